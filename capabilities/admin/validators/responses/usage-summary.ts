// Validator of admin response usage-summary, generated from its zod schema in contracts/routes/usage-summary.ts by `npm run validators`; do not edit.
// test/scripts/admin-validators.test.ts fails when it is stale. Read by capabilities/records/compiled-record.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"clientId":{"type":"string"},"plan":{"type":"object","properties":{"name":{"type":"string"},"ratePerMinute":{"type":"integer","minimum":0,"maximum":9007199254740991},"dailyQuota":{"type":"integer","minimum":0,"maximum":9007199254740991},"strict":{"type":"object","properties":{"ratePerMinute":{"type":"integer","minimum":0,"maximum":9007199254740991}},"required":["ratePerMinute"],"additionalProperties":false}},"required":["name","ratePerMinute","dailyQuota","strict"],"additionalProperties":false},"period":{"type":"object","properties":{"from":{"type":"string","format":"date","pattern":"^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$"},"to":{"type":"string","format":"date","pattern":"^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$"},"days":{"type":"integer","minimum":1,"maximum":366}},"required":["from","to","days"],"additionalProperties":false},"totals":{"type":"object","properties":{"requests":{"type":"integer","minimum":0,"maximum":9007199254740991},"units":{"type":"integer","minimum":0,"maximum":9007199254740991},"clientErrors":{"type":"integer","minimum":0,"maximum":9007199254740991},"serverErrors":{"type":"integer","minimum":0,"maximum":9007199254740991},"avgLatencyMs":{"type":"number","minimum":0},"p95LatencyMs":{"type":"number","minimum":0}},"required":["requests","units","clientErrors","serverErrors","avgLatencyMs","p95LatencyMs"],"additionalProperties":false},"averagePerDay":{"type":"number","minimum":0},"today":{"type":"object","properties":{"requests":{"type":"integer","minimum":0,"maximum":9007199254740991},"quota":{"type":"integer","minimum":0,"maximum":9007199254740991},"percentOfQuota":{"type":"number","minimum":0}},"required":["requests","quota","percentOfQuota"],"additionalProperties":false},"limits":{"type":"object","properties":{"source":{"type":"string","enum":["plan","override"]},"ratePerMinute":{"type":"integer","minimum":0,"maximum":9007199254740991},"burst":{"type":"integer","minimum":0,"maximum":9007199254740991},"dailyQuota":{"type":"integer","minimum":0,"maximum":9007199254740991},"monthlyQuota":{"anyOf":[{"type":"integer","minimum":0,"maximum":9007199254740991},{"type":"null"}]},"strict":{"type":"object","properties":{"ratePerMinute":{"type":"integer","minimum":0,"maximum":9007199254740991},"burst":{"type":"integer","minimum":0,"maximum":9007199254740991}},"required":["ratePerMinute","burst"],"additionalProperties":false}},"required":["source","ratePerMinute","burst","dailyQuota","monthlyQuota","strict"],"additionalProperties":false},"month":{"type":"object","properties":{"month":{"type":"string","pattern":"^\\d{4}-\\d{2}$"},"from":{"type":"string","format":"date","pattern":"^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$"},"to":{"type":"string","format":"date","pattern":"^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$"},"requests":{"type":"integer","minimum":0,"maximum":9007199254740991},"quota":{"anyOf":[{"type":"integer","minimum":0,"maximum":9007199254740991},{"type":"null"}]},"percentOfQuota":{"anyOf":[{"type":"number","minimum":0},{"type":"null"}]}},"required":["month","from","to","requests","quota","percentOfQuota"],"additionalProperties":false},"routes":{"type":"array","items":{"type":"object","properties":{"route":{"type":"string"},"requests":{"type":"integer","minimum":0,"maximum":9007199254740991},"units":{"type":"integer","minimum":0,"maximum":9007199254740991},"percent":{"type":"number","minimum":0,"maximum":100},"clientErrors":{"type":"integer","minimum":0,"maximum":9007199254740991},"serverErrors":{"type":"integer","minimum":0,"maximum":9007199254740991}},"required":["route","requests","units","percent","clientErrors","serverErrors"],"additionalProperties":false}}},"required":["clientId","plan","period","totals","averagePerDay","today","limits","month","routes"],"additionalProperties":false};
const func2 = Object.prototype.hasOwnProperty;
const pattern0 = new RegExp("^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$", "");
const pattern2 = new RegExp("^\\d{4}-\\d{2}$", "");

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((((((data.clientId === undefined) && (missing0 = "clientId")) || ((data.plan === undefined) && (missing0 = "plan"))) || ((data.period === undefined) && (missing0 = "period"))) || ((data.totals === undefined) && (missing0 = "totals"))) || ((data.averagePerDay === undefined) && (missing0 = "averagePerDay"))) || ((data.today === undefined) && (missing0 = "today"))) || ((data.limits === undefined) && (missing0 = "limits"))) || ((data.month === undefined) && (missing0 = "month"))) || ((data.routes === undefined) && (missing0 = "routes"))){
validate10.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0}}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema11.properties, key0))){
validate10.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0}}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.clientId !== undefined){
const _errs2 = errors;
if(typeof data.clientId !== "string"){
validate10.errors = [{instancePath:instancePath+"/clientId",schemaPath:"#/properties/clientId/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.plan !== undefined){
let data1 = data.plan;
const _errs4 = errors;
if(errors === _errs4){
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
let missing1;
if(((((data1.name === undefined) && (missing1 = "name")) || ((data1.ratePerMinute === undefined) && (missing1 = "ratePerMinute"))) || ((data1.dailyQuota === undefined) && (missing1 = "dailyQuota"))) || ((data1.strict === undefined) && (missing1 = "strict"))){
validate10.errors = [{instancePath:instancePath+"/plan",schemaPath:"#/properties/plan/required",keyword:"required",params:{missingProperty: missing1}}];
return false;
}
else {
const _errs6 = errors;
for(const key1 in data1){
if(!((((key1 === "name") || (key1 === "ratePerMinute")) || (key1 === "dailyQuota")) || (key1 === "strict"))){
validate10.errors = [{instancePath:instancePath+"/plan",schemaPath:"#/properties/plan/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1}}];
return false;
break;
}
}
if(_errs6 === errors){
if(data1.name !== undefined){
const _errs7 = errors;
if(typeof data1.name !== "string"){
validate10.errors = [{instancePath:instancePath+"/plan/name",schemaPath:"#/properties/plan/properties/name/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid1 = _errs7 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data1.ratePerMinute !== undefined){
let data3 = data1.ratePerMinute;
const _errs9 = errors;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
validate10.errors = [{instancePath:instancePath+"/plan/ratePerMinute",schemaPath:"#/properties/plan/properties/ratePerMinute/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs9){
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 9007199254740991 || isNaN(data3)){
validate10.errors = [{instancePath:instancePath+"/plan/ratePerMinute",schemaPath:"#/properties/plan/properties/ratePerMinute/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data3 < 0 || isNaN(data3)){
validate10.errors = [{instancePath:instancePath+"/plan/ratePerMinute",schemaPath:"#/properties/plan/properties/ratePerMinute/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid1 = _errs9 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data1.dailyQuota !== undefined){
let data4 = data1.dailyQuota;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate10.errors = [{instancePath:instancePath+"/plan/dailyQuota",schemaPath:"#/properties/plan/properties/dailyQuota/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 9007199254740991 || isNaN(data4)){
validate10.errors = [{instancePath:instancePath+"/plan/dailyQuota",schemaPath:"#/properties/plan/properties/dailyQuota/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data4 < 0 || isNaN(data4)){
validate10.errors = [{instancePath:instancePath+"/plan/dailyQuota",schemaPath:"#/properties/plan/properties/dailyQuota/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid1 = _errs11 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data1.strict !== undefined){
let data5 = data1.strict;
const _errs13 = errors;
if(errors === _errs13){
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
let missing2;
if((data5.ratePerMinute === undefined) && (missing2 = "ratePerMinute")){
validate10.errors = [{instancePath:instancePath+"/plan/strict",schemaPath:"#/properties/plan/properties/strict/required",keyword:"required",params:{missingProperty: missing2}}];
return false;
}
else {
const _errs15 = errors;
for(const key2 in data5){
if(!(key2 === "ratePerMinute")){
validate10.errors = [{instancePath:instancePath+"/plan/strict",schemaPath:"#/properties/plan/properties/strict/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2}}];
return false;
break;
}
}
if(_errs15 === errors){
if(data5.ratePerMinute !== undefined){
let data6 = data5.ratePerMinute;
const _errs16 = errors;
if(!(((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6))) && (isFinite(data6)))){
validate10.errors = [{instancePath:instancePath+"/plan/strict/ratePerMinute",schemaPath:"#/properties/plan/properties/strict/properties/ratePerMinute/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs16){
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 > 9007199254740991 || isNaN(data6)){
validate10.errors = [{instancePath:instancePath+"/plan/strict/ratePerMinute",schemaPath:"#/properties/plan/properties/strict/properties/ratePerMinute/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data6 < 0 || isNaN(data6)){
validate10.errors = [{instancePath:instancePath+"/plan/strict/ratePerMinute",schemaPath:"#/properties/plan/properties/strict/properties/ratePerMinute/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
}
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/plan/strict",schemaPath:"#/properties/plan/properties/strict/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid1 = _errs13 === errors;
}
else {
var valid1 = true;
}
}
}
}
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/plan",schemaPath:"#/properties/plan/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.period !== undefined){
let data7 = data.period;
const _errs18 = errors;
if(errors === _errs18){
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
let missing3;
if((((data7.from === undefined) && (missing3 = "from")) || ((data7.to === undefined) && (missing3 = "to"))) || ((data7.days === undefined) && (missing3 = "days"))){
validate10.errors = [{instancePath:instancePath+"/period",schemaPath:"#/properties/period/required",keyword:"required",params:{missingProperty: missing3}}];
return false;
}
else {
const _errs20 = errors;
for(const key3 in data7){
if(!(((key3 === "from") || (key3 === "to")) || (key3 === "days"))){
validate10.errors = [{instancePath:instancePath+"/period",schemaPath:"#/properties/period/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3}}];
return false;
break;
}
}
if(_errs20 === errors){
if(data7.from !== undefined){
let data8 = data7.from;
const _errs21 = errors;
if(errors === _errs21){
if(errors === _errs21){
if(typeof data8 === "string"){
if(!pattern0.test(data8)){
validate10.errors = [{instancePath:instancePath+"/period/from",schemaPath:"#/properties/period/properties/from/pattern",keyword:"pattern",params:{pattern: "^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$"}}];
return false;
}
}
else {
validate10.errors = [{instancePath:instancePath+"/period/from",schemaPath:"#/properties/period/properties/from/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
}
var valid3 = _errs21 === errors;
}
else {
var valid3 = true;
}
if(valid3){
if(data7.to !== undefined){
let data9 = data7.to;
const _errs23 = errors;
if(errors === _errs23){
if(errors === _errs23){
if(typeof data9 === "string"){
if(!pattern0.test(data9)){
validate10.errors = [{instancePath:instancePath+"/period/to",schemaPath:"#/properties/period/properties/to/pattern",keyword:"pattern",params:{pattern: "^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$"}}];
return false;
}
}
else {
validate10.errors = [{instancePath:instancePath+"/period/to",schemaPath:"#/properties/period/properties/to/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
}
var valid3 = _errs23 === errors;
}
else {
var valid3 = true;
}
if(valid3){
if(data7.days !== undefined){
let data10 = data7.days;
const _errs25 = errors;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
validate10.errors = [{instancePath:instancePath+"/period/days",schemaPath:"#/properties/period/properties/days/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs25){
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 366 || isNaN(data10)){
validate10.errors = [{instancePath:instancePath+"/period/days",schemaPath:"#/properties/period/properties/days/maximum",keyword:"maximum",params:{comparison: "<=", limit: 366}}];
return false;
}
else {
if(data10 < 1 || isNaN(data10)){
validate10.errors = [{instancePath:instancePath+"/period/days",schemaPath:"#/properties/period/properties/days/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1}}];
return false;
}
}
}
}
var valid3 = _errs25 === errors;
}
else {
var valid3 = true;
}
}
}
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/period",schemaPath:"#/properties/period/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid0 = _errs18 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.totals !== undefined){
let data11 = data.totals;
const _errs27 = errors;
if(errors === _errs27){
if(data11 && typeof data11 == "object" && !Array.isArray(data11)){
let missing4;
if(((((((data11.requests === undefined) && (missing4 = "requests")) || ((data11.units === undefined) && (missing4 = "units"))) || ((data11.clientErrors === undefined) && (missing4 = "clientErrors"))) || ((data11.serverErrors === undefined) && (missing4 = "serverErrors"))) || ((data11.avgLatencyMs === undefined) && (missing4 = "avgLatencyMs"))) || ((data11.p95LatencyMs === undefined) && (missing4 = "p95LatencyMs"))){
validate10.errors = [{instancePath:instancePath+"/totals",schemaPath:"#/properties/totals/required",keyword:"required",params:{missingProperty: missing4}}];
return false;
}
else {
const _errs29 = errors;
for(const key4 in data11){
if(!((((((key4 === "requests") || (key4 === "units")) || (key4 === "clientErrors")) || (key4 === "serverErrors")) || (key4 === "avgLatencyMs")) || (key4 === "p95LatencyMs"))){
validate10.errors = [{instancePath:instancePath+"/totals",schemaPath:"#/properties/totals/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4}}];
return false;
break;
}
}
if(_errs29 === errors){
if(data11.requests !== undefined){
let data12 = data11.requests;
const _errs30 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate10.errors = [{instancePath:instancePath+"/totals/requests",schemaPath:"#/properties/totals/properties/requests/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs30){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 9007199254740991 || isNaN(data12)){
validate10.errors = [{instancePath:instancePath+"/totals/requests",schemaPath:"#/properties/totals/properties/requests/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data12 < 0 || isNaN(data12)){
validate10.errors = [{instancePath:instancePath+"/totals/requests",schemaPath:"#/properties/totals/properties/requests/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid4 = _errs30 === errors;
}
else {
var valid4 = true;
}
if(valid4){
if(data11.units !== undefined){
let data13 = data11.units;
const _errs32 = errors;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
validate10.errors = [{instancePath:instancePath+"/totals/units",schemaPath:"#/properties/totals/properties/units/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs32){
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 > 9007199254740991 || isNaN(data13)){
validate10.errors = [{instancePath:instancePath+"/totals/units",schemaPath:"#/properties/totals/properties/units/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data13 < 0 || isNaN(data13)){
validate10.errors = [{instancePath:instancePath+"/totals/units",schemaPath:"#/properties/totals/properties/units/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid4 = _errs32 === errors;
}
else {
var valid4 = true;
}
if(valid4){
if(data11.clientErrors !== undefined){
let data14 = data11.clientErrors;
const _errs34 = errors;
if(!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))){
validate10.errors = [{instancePath:instancePath+"/totals/clientErrors",schemaPath:"#/properties/totals/properties/clientErrors/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs34){
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 > 9007199254740991 || isNaN(data14)){
validate10.errors = [{instancePath:instancePath+"/totals/clientErrors",schemaPath:"#/properties/totals/properties/clientErrors/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data14 < 0 || isNaN(data14)){
validate10.errors = [{instancePath:instancePath+"/totals/clientErrors",schemaPath:"#/properties/totals/properties/clientErrors/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid4 = _errs34 === errors;
}
else {
var valid4 = true;
}
if(valid4){
if(data11.serverErrors !== undefined){
let data15 = data11.serverErrors;
const _errs36 = errors;
if(!(((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15))) && (isFinite(data15)))){
validate10.errors = [{instancePath:instancePath+"/totals/serverErrors",schemaPath:"#/properties/totals/properties/serverErrors/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs36){
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 > 9007199254740991 || isNaN(data15)){
validate10.errors = [{instancePath:instancePath+"/totals/serverErrors",schemaPath:"#/properties/totals/properties/serverErrors/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data15 < 0 || isNaN(data15)){
validate10.errors = [{instancePath:instancePath+"/totals/serverErrors",schemaPath:"#/properties/totals/properties/serverErrors/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid4 = _errs36 === errors;
}
else {
var valid4 = true;
}
if(valid4){
if(data11.avgLatencyMs !== undefined){
let data16 = data11.avgLatencyMs;
const _errs38 = errors;
if(errors === _errs38){
if((typeof data16 == "number") && (isFinite(data16))){
if(data16 < 0 || isNaN(data16)){
validate10.errors = [{instancePath:instancePath+"/totals/avgLatencyMs",schemaPath:"#/properties/totals/properties/avgLatencyMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
else {
validate10.errors = [{instancePath:instancePath+"/totals/avgLatencyMs",schemaPath:"#/properties/totals/properties/avgLatencyMs/type",keyword:"type",params:{type: "number"}}];
return false;
}
}
var valid4 = _errs38 === errors;
}
else {
var valid4 = true;
}
if(valid4){
if(data11.p95LatencyMs !== undefined){
let data17 = data11.p95LatencyMs;
const _errs40 = errors;
if(errors === _errs40){
if((typeof data17 == "number") && (isFinite(data17))){
if(data17 < 0 || isNaN(data17)){
validate10.errors = [{instancePath:instancePath+"/totals/p95LatencyMs",schemaPath:"#/properties/totals/properties/p95LatencyMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
else {
validate10.errors = [{instancePath:instancePath+"/totals/p95LatencyMs",schemaPath:"#/properties/totals/properties/p95LatencyMs/type",keyword:"type",params:{type: "number"}}];
return false;
}
}
var valid4 = _errs40 === errors;
}
else {
var valid4 = true;
}
}
}
}
}
}
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/totals",schemaPath:"#/properties/totals/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid0 = _errs27 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.averagePerDay !== undefined){
let data18 = data.averagePerDay;
const _errs42 = errors;
if(errors === _errs42){
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 < 0 || isNaN(data18)){
validate10.errors = [{instancePath:instancePath+"/averagePerDay",schemaPath:"#/properties/averagePerDay/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
else {
validate10.errors = [{instancePath:instancePath+"/averagePerDay",schemaPath:"#/properties/averagePerDay/type",keyword:"type",params:{type: "number"}}];
return false;
}
}
var valid0 = _errs42 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.today !== undefined){
let data19 = data.today;
const _errs44 = errors;
if(errors === _errs44){
if(data19 && typeof data19 == "object" && !Array.isArray(data19)){
let missing5;
if((((data19.requests === undefined) && (missing5 = "requests")) || ((data19.quota === undefined) && (missing5 = "quota"))) || ((data19.percentOfQuota === undefined) && (missing5 = "percentOfQuota"))){
validate10.errors = [{instancePath:instancePath+"/today",schemaPath:"#/properties/today/required",keyword:"required",params:{missingProperty: missing5}}];
return false;
}
else {
const _errs46 = errors;
for(const key5 in data19){
if(!(((key5 === "requests") || (key5 === "quota")) || (key5 === "percentOfQuota"))){
validate10.errors = [{instancePath:instancePath+"/today",schemaPath:"#/properties/today/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5}}];
return false;
break;
}
}
if(_errs46 === errors){
if(data19.requests !== undefined){
let data20 = data19.requests;
const _errs47 = errors;
if(!(((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20))) && (isFinite(data20)))){
validate10.errors = [{instancePath:instancePath+"/today/requests",schemaPath:"#/properties/today/properties/requests/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs47){
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 > 9007199254740991 || isNaN(data20)){
validate10.errors = [{instancePath:instancePath+"/today/requests",schemaPath:"#/properties/today/properties/requests/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data20 < 0 || isNaN(data20)){
validate10.errors = [{instancePath:instancePath+"/today/requests",schemaPath:"#/properties/today/properties/requests/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid5 = _errs47 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data19.quota !== undefined){
let data21 = data19.quota;
const _errs49 = errors;
if(!(((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21))) && (isFinite(data21)))){
validate10.errors = [{instancePath:instancePath+"/today/quota",schemaPath:"#/properties/today/properties/quota/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs49){
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 > 9007199254740991 || isNaN(data21)){
validate10.errors = [{instancePath:instancePath+"/today/quota",schemaPath:"#/properties/today/properties/quota/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data21 < 0 || isNaN(data21)){
validate10.errors = [{instancePath:instancePath+"/today/quota",schemaPath:"#/properties/today/properties/quota/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid5 = _errs49 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data19.percentOfQuota !== undefined){
let data22 = data19.percentOfQuota;
const _errs51 = errors;
if(errors === _errs51){
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 < 0 || isNaN(data22)){
validate10.errors = [{instancePath:instancePath+"/today/percentOfQuota",schemaPath:"#/properties/today/properties/percentOfQuota/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
else {
validate10.errors = [{instancePath:instancePath+"/today/percentOfQuota",schemaPath:"#/properties/today/properties/percentOfQuota/type",keyword:"type",params:{type: "number"}}];
return false;
}
}
var valid5 = _errs51 === errors;
}
else {
var valid5 = true;
}
}
}
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/today",schemaPath:"#/properties/today/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid0 = _errs44 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.limits !== undefined){
let data23 = data.limits;
const _errs53 = errors;
if(errors === _errs53){
if(data23 && typeof data23 == "object" && !Array.isArray(data23)){
let missing6;
if(((((((data23.source === undefined) && (missing6 = "source")) || ((data23.ratePerMinute === undefined) && (missing6 = "ratePerMinute"))) || ((data23.burst === undefined) && (missing6 = "burst"))) || ((data23.dailyQuota === undefined) && (missing6 = "dailyQuota"))) || ((data23.monthlyQuota === undefined) && (missing6 = "monthlyQuota"))) || ((data23.strict === undefined) && (missing6 = "strict"))){
validate10.errors = [{instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/required",keyword:"required",params:{missingProperty: missing6}}];
return false;
}
else {
const _errs55 = errors;
for(const key6 in data23){
if(!((((((key6 === "source") || (key6 === "ratePerMinute")) || (key6 === "burst")) || (key6 === "dailyQuota")) || (key6 === "monthlyQuota")) || (key6 === "strict"))){
validate10.errors = [{instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6}}];
return false;
break;
}
}
if(_errs55 === errors){
if(data23.source !== undefined){
let data24 = data23.source;
const _errs56 = errors;
if(typeof data24 !== "string"){
validate10.errors = [{instancePath:instancePath+"/limits/source",schemaPath:"#/properties/limits/properties/source/type",keyword:"type",params:{type: "string"}}];
return false;
}
if(!((data24 === "plan") || (data24 === "override"))){
validate10.errors = [{instancePath:instancePath+"/limits/source",schemaPath:"#/properties/limits/properties/source/enum",keyword:"enum",params:{allowedValues: schema11.properties.limits.properties.source.enum}}];
return false;
}
var valid6 = _errs56 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data23.ratePerMinute !== undefined){
let data25 = data23.ratePerMinute;
const _errs58 = errors;
if(!(((typeof data25 == "number") && (!(data25 % 1) && !isNaN(data25))) && (isFinite(data25)))){
validate10.errors = [{instancePath:instancePath+"/limits/ratePerMinute",schemaPath:"#/properties/limits/properties/ratePerMinute/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs58){
if((typeof data25 == "number") && (isFinite(data25))){
if(data25 > 9007199254740991 || isNaN(data25)){
validate10.errors = [{instancePath:instancePath+"/limits/ratePerMinute",schemaPath:"#/properties/limits/properties/ratePerMinute/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data25 < 0 || isNaN(data25)){
validate10.errors = [{instancePath:instancePath+"/limits/ratePerMinute",schemaPath:"#/properties/limits/properties/ratePerMinute/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid6 = _errs58 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data23.burst !== undefined){
let data26 = data23.burst;
const _errs60 = errors;
if(!(((typeof data26 == "number") && (!(data26 % 1) && !isNaN(data26))) && (isFinite(data26)))){
validate10.errors = [{instancePath:instancePath+"/limits/burst",schemaPath:"#/properties/limits/properties/burst/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs60){
if((typeof data26 == "number") && (isFinite(data26))){
if(data26 > 9007199254740991 || isNaN(data26)){
validate10.errors = [{instancePath:instancePath+"/limits/burst",schemaPath:"#/properties/limits/properties/burst/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data26 < 0 || isNaN(data26)){
validate10.errors = [{instancePath:instancePath+"/limits/burst",schemaPath:"#/properties/limits/properties/burst/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid6 = _errs60 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data23.dailyQuota !== undefined){
let data27 = data23.dailyQuota;
const _errs62 = errors;
if(!(((typeof data27 == "number") && (!(data27 % 1) && !isNaN(data27))) && (isFinite(data27)))){
validate10.errors = [{instancePath:instancePath+"/limits/dailyQuota",schemaPath:"#/properties/limits/properties/dailyQuota/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs62){
if((typeof data27 == "number") && (isFinite(data27))){
if(data27 > 9007199254740991 || isNaN(data27)){
validate10.errors = [{instancePath:instancePath+"/limits/dailyQuota",schemaPath:"#/properties/limits/properties/dailyQuota/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data27 < 0 || isNaN(data27)){
validate10.errors = [{instancePath:instancePath+"/limits/dailyQuota",schemaPath:"#/properties/limits/properties/dailyQuota/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid6 = _errs62 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data23.monthlyQuota !== undefined){
let data28 = data23.monthlyQuota;
const _errs64 = errors;
const _errs65 = errors;
let valid7 = false;
const _errs66 = errors;
if(!(((typeof data28 == "number") && (!(data28 % 1) && !isNaN(data28))) && (isFinite(data28)))){
const err0 = {instancePath:instancePath+"/limits/monthlyQuota",schemaPath:"#/properties/limits/properties/monthlyQuota/anyOf/0/type",keyword:"type",params:{type: "integer"}};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(errors === _errs66){
if((typeof data28 == "number") && (isFinite(data28))){
if(data28 > 9007199254740991 || isNaN(data28)){
const err1 = {instancePath:instancePath+"/limits/monthlyQuota",schemaPath:"#/properties/limits/properties/monthlyQuota/anyOf/0/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
else {
if(data28 < 0 || isNaN(data28)){
const err2 = {instancePath:instancePath+"/limits/monthlyQuota",schemaPath:"#/properties/limits/properties/monthlyQuota/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
}
}
var _valid0 = _errs66 === errors;
valid7 = valid7 || _valid0;
if(!valid7){
const _errs68 = errors;
if(data28 !== null){
const err3 = {instancePath:instancePath+"/limits/monthlyQuota",schemaPath:"#/properties/limits/properties/monthlyQuota/anyOf/1/type",keyword:"type",params:{type: "null"}};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
var _valid0 = _errs68 === errors;
valid7 = valid7 || _valid0;
}
if(!valid7){
const err4 = {instancePath:instancePath+"/limits/monthlyQuota",schemaPath:"#/properties/limits/properties/monthlyQuota/anyOf",keyword:"anyOf",params:{}};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
validate10.errors = vErrors;
return false;
}
else {
errors = _errs65;
if(vErrors !== null){
if(_errs65){
vErrors.length = _errs65;
}
else {
vErrors = null;
}
}
}
var valid6 = _errs64 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data23.strict !== undefined){
let data29 = data23.strict;
const _errs70 = errors;
if(errors === _errs70){
if(data29 && typeof data29 == "object" && !Array.isArray(data29)){
let missing7;
if(((data29.ratePerMinute === undefined) && (missing7 = "ratePerMinute")) || ((data29.burst === undefined) && (missing7 = "burst"))){
validate10.errors = [{instancePath:instancePath+"/limits/strict",schemaPath:"#/properties/limits/properties/strict/required",keyword:"required",params:{missingProperty: missing7}}];
return false;
}
else {
const _errs72 = errors;
for(const key7 in data29){
if(!((key7 === "ratePerMinute") || (key7 === "burst"))){
validate10.errors = [{instancePath:instancePath+"/limits/strict",schemaPath:"#/properties/limits/properties/strict/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7}}];
return false;
break;
}
}
if(_errs72 === errors){
if(data29.ratePerMinute !== undefined){
let data30 = data29.ratePerMinute;
const _errs73 = errors;
if(!(((typeof data30 == "number") && (!(data30 % 1) && !isNaN(data30))) && (isFinite(data30)))){
validate10.errors = [{instancePath:instancePath+"/limits/strict/ratePerMinute",schemaPath:"#/properties/limits/properties/strict/properties/ratePerMinute/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs73){
if((typeof data30 == "number") && (isFinite(data30))){
if(data30 > 9007199254740991 || isNaN(data30)){
validate10.errors = [{instancePath:instancePath+"/limits/strict/ratePerMinute",schemaPath:"#/properties/limits/properties/strict/properties/ratePerMinute/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data30 < 0 || isNaN(data30)){
validate10.errors = [{instancePath:instancePath+"/limits/strict/ratePerMinute",schemaPath:"#/properties/limits/properties/strict/properties/ratePerMinute/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid8 = _errs73 === errors;
}
else {
var valid8 = true;
}
if(valid8){
if(data29.burst !== undefined){
let data31 = data29.burst;
const _errs75 = errors;
if(!(((typeof data31 == "number") && (!(data31 % 1) && !isNaN(data31))) && (isFinite(data31)))){
validate10.errors = [{instancePath:instancePath+"/limits/strict/burst",schemaPath:"#/properties/limits/properties/strict/properties/burst/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs75){
if((typeof data31 == "number") && (isFinite(data31))){
if(data31 > 9007199254740991 || isNaN(data31)){
validate10.errors = [{instancePath:instancePath+"/limits/strict/burst",schemaPath:"#/properties/limits/properties/strict/properties/burst/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data31 < 0 || isNaN(data31)){
validate10.errors = [{instancePath:instancePath+"/limits/strict/burst",schemaPath:"#/properties/limits/properties/strict/properties/burst/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid8 = _errs75 === errors;
}
else {
var valid8 = true;
}
}
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/limits/strict",schemaPath:"#/properties/limits/properties/strict/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid6 = _errs70 === errors;
}
else {
var valid6 = true;
}
}
}
}
}
}
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid0 = _errs53 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.month !== undefined){
let data32 = data.month;
const _errs77 = errors;
if(errors === _errs77){
if(data32 && typeof data32 == "object" && !Array.isArray(data32)){
let missing8;
if(((((((data32.month === undefined) && (missing8 = "month")) || ((data32.from === undefined) && (missing8 = "from"))) || ((data32.to === undefined) && (missing8 = "to"))) || ((data32.requests === undefined) && (missing8 = "requests"))) || ((data32.quota === undefined) && (missing8 = "quota"))) || ((data32.percentOfQuota === undefined) && (missing8 = "percentOfQuota"))){
validate10.errors = [{instancePath:instancePath+"/month",schemaPath:"#/properties/month/required",keyword:"required",params:{missingProperty: missing8}}];
return false;
}
else {
const _errs79 = errors;
for(const key8 in data32){
if(!((((((key8 === "month") || (key8 === "from")) || (key8 === "to")) || (key8 === "requests")) || (key8 === "quota")) || (key8 === "percentOfQuota"))){
validate10.errors = [{instancePath:instancePath+"/month",schemaPath:"#/properties/month/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8}}];
return false;
break;
}
}
if(_errs79 === errors){
if(data32.month !== undefined){
let data33 = data32.month;
const _errs80 = errors;
if(errors === _errs80){
if(typeof data33 === "string"){
if(!pattern2.test(data33)){
validate10.errors = [{instancePath:instancePath+"/month/month",schemaPath:"#/properties/month/properties/month/pattern",keyword:"pattern",params:{pattern: "^\\d{4}-\\d{2}$"}}];
return false;
}
}
else {
validate10.errors = [{instancePath:instancePath+"/month/month",schemaPath:"#/properties/month/properties/month/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid9 = _errs80 === errors;
}
else {
var valid9 = true;
}
if(valid9){
if(data32.from !== undefined){
let data34 = data32.from;
const _errs82 = errors;
if(errors === _errs82){
if(errors === _errs82){
if(typeof data34 === "string"){
if(!pattern0.test(data34)){
validate10.errors = [{instancePath:instancePath+"/month/from",schemaPath:"#/properties/month/properties/from/pattern",keyword:"pattern",params:{pattern: "^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$"}}];
return false;
}
}
else {
validate10.errors = [{instancePath:instancePath+"/month/from",schemaPath:"#/properties/month/properties/from/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
}
var valid9 = _errs82 === errors;
}
else {
var valid9 = true;
}
if(valid9){
if(data32.to !== undefined){
let data35 = data32.to;
const _errs84 = errors;
if(errors === _errs84){
if(errors === _errs84){
if(typeof data35 === "string"){
if(!pattern0.test(data35)){
validate10.errors = [{instancePath:instancePath+"/month/to",schemaPath:"#/properties/month/properties/to/pattern",keyword:"pattern",params:{pattern: "^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))$"}}];
return false;
}
}
else {
validate10.errors = [{instancePath:instancePath+"/month/to",schemaPath:"#/properties/month/properties/to/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
}
var valid9 = _errs84 === errors;
}
else {
var valid9 = true;
}
if(valid9){
if(data32.requests !== undefined){
let data36 = data32.requests;
const _errs86 = errors;
if(!(((typeof data36 == "number") && (!(data36 % 1) && !isNaN(data36))) && (isFinite(data36)))){
validate10.errors = [{instancePath:instancePath+"/month/requests",schemaPath:"#/properties/month/properties/requests/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs86){
if((typeof data36 == "number") && (isFinite(data36))){
if(data36 > 9007199254740991 || isNaN(data36)){
validate10.errors = [{instancePath:instancePath+"/month/requests",schemaPath:"#/properties/month/properties/requests/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data36 < 0 || isNaN(data36)){
validate10.errors = [{instancePath:instancePath+"/month/requests",schemaPath:"#/properties/month/properties/requests/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid9 = _errs86 === errors;
}
else {
var valid9 = true;
}
if(valid9){
if(data32.quota !== undefined){
let data37 = data32.quota;
const _errs88 = errors;
const _errs89 = errors;
let valid10 = false;
const _errs90 = errors;
if(!(((typeof data37 == "number") && (!(data37 % 1) && !isNaN(data37))) && (isFinite(data37)))){
const err5 = {instancePath:instancePath+"/month/quota",schemaPath:"#/properties/month/properties/quota/anyOf/0/type",keyword:"type",params:{type: "integer"}};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(errors === _errs90){
if((typeof data37 == "number") && (isFinite(data37))){
if(data37 > 9007199254740991 || isNaN(data37)){
const err6 = {instancePath:instancePath+"/month/quota",schemaPath:"#/properties/month/properties/quota/anyOf/0/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
else {
if(data37 < 0 || isNaN(data37)){
const err7 = {instancePath:instancePath+"/month/quota",schemaPath:"#/properties/month/properties/quota/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
}
}
var _valid1 = _errs90 === errors;
valid10 = valid10 || _valid1;
if(!valid10){
const _errs92 = errors;
if(data37 !== null){
const err8 = {instancePath:instancePath+"/month/quota",schemaPath:"#/properties/month/properties/quota/anyOf/1/type",keyword:"type",params:{type: "null"}};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
var _valid1 = _errs92 === errors;
valid10 = valid10 || _valid1;
}
if(!valid10){
const err9 = {instancePath:instancePath+"/month/quota",schemaPath:"#/properties/month/properties/quota/anyOf",keyword:"anyOf",params:{}};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
validate10.errors = vErrors;
return false;
}
else {
errors = _errs89;
if(vErrors !== null){
if(_errs89){
vErrors.length = _errs89;
}
else {
vErrors = null;
}
}
}
var valid9 = _errs88 === errors;
}
else {
var valid9 = true;
}
if(valid9){
if(data32.percentOfQuota !== undefined){
let data38 = data32.percentOfQuota;
const _errs94 = errors;
const _errs95 = errors;
let valid11 = false;
const _errs96 = errors;
if(errors === _errs96){
if((typeof data38 == "number") && (isFinite(data38))){
if(data38 < 0 || isNaN(data38)){
const err10 = {instancePath:instancePath+"/month/percentOfQuota",schemaPath:"#/properties/month/properties/percentOfQuota/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/month/percentOfQuota",schemaPath:"#/properties/month/properties/percentOfQuota/anyOf/0/type",keyword:"type",params:{type: "number"}};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
var _valid2 = _errs96 === errors;
valid11 = valid11 || _valid2;
if(!valid11){
const _errs98 = errors;
if(data38 !== null){
const err12 = {instancePath:instancePath+"/month/percentOfQuota",schemaPath:"#/properties/month/properties/percentOfQuota/anyOf/1/type",keyword:"type",params:{type: "null"}};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
var _valid2 = _errs98 === errors;
valid11 = valid11 || _valid2;
}
if(!valid11){
const err13 = {instancePath:instancePath+"/month/percentOfQuota",schemaPath:"#/properties/month/properties/percentOfQuota/anyOf",keyword:"anyOf",params:{}};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
validate10.errors = vErrors;
return false;
}
else {
errors = _errs95;
if(vErrors !== null){
if(_errs95){
vErrors.length = _errs95;
}
else {
vErrors = null;
}
}
}
var valid9 = _errs94 === errors;
}
else {
var valid9 = true;
}
}
}
}
}
}
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/month",schemaPath:"#/properties/month/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid0 = _errs77 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.routes !== undefined){
let data39 = data.routes;
const _errs100 = errors;
if(errors === _errs100){
if(Array.isArray(data39)){
var valid12 = true;
const len0 = data39.length;
for(let i0=0; i0<len0; i0++){
let data40 = data39[i0];
const _errs102 = errors;
if(errors === _errs102){
if(data40 && typeof data40 == "object" && !Array.isArray(data40)){
let missing9;
if(((((((data40.route === undefined) && (missing9 = "route")) || ((data40.requests === undefined) && (missing9 = "requests"))) || ((data40.units === undefined) && (missing9 = "units"))) || ((data40.percent === undefined) && (missing9 = "percent"))) || ((data40.clientErrors === undefined) && (missing9 = "clientErrors"))) || ((data40.serverErrors === undefined) && (missing9 = "serverErrors"))){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0,schemaPath:"#/properties/routes/items/required",keyword:"required",params:{missingProperty: missing9}}];
return false;
}
else {
const _errs104 = errors;
for(const key9 in data40){
if(!((((((key9 === "route") || (key9 === "requests")) || (key9 === "units")) || (key9 === "percent")) || (key9 === "clientErrors")) || (key9 === "serverErrors"))){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0,schemaPath:"#/properties/routes/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key9}}];
return false;
break;
}
}
if(_errs104 === errors){
if(data40.route !== undefined){
const _errs105 = errors;
if(typeof data40.route !== "string"){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/route",schemaPath:"#/properties/routes/items/properties/route/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid13 = _errs105 === errors;
}
else {
var valid13 = true;
}
if(valid13){
if(data40.requests !== undefined){
let data42 = data40.requests;
const _errs107 = errors;
if(!(((typeof data42 == "number") && (!(data42 % 1) && !isNaN(data42))) && (isFinite(data42)))){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/requests",schemaPath:"#/properties/routes/items/properties/requests/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs107){
if((typeof data42 == "number") && (isFinite(data42))){
if(data42 > 9007199254740991 || isNaN(data42)){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/requests",schemaPath:"#/properties/routes/items/properties/requests/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data42 < 0 || isNaN(data42)){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/requests",schemaPath:"#/properties/routes/items/properties/requests/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid13 = _errs107 === errors;
}
else {
var valid13 = true;
}
if(valid13){
if(data40.units !== undefined){
let data43 = data40.units;
const _errs109 = errors;
if(!(((typeof data43 == "number") && (!(data43 % 1) && !isNaN(data43))) && (isFinite(data43)))){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/units",schemaPath:"#/properties/routes/items/properties/units/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs109){
if((typeof data43 == "number") && (isFinite(data43))){
if(data43 > 9007199254740991 || isNaN(data43)){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/units",schemaPath:"#/properties/routes/items/properties/units/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data43 < 0 || isNaN(data43)){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/units",schemaPath:"#/properties/routes/items/properties/units/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid13 = _errs109 === errors;
}
else {
var valid13 = true;
}
if(valid13){
if(data40.percent !== undefined){
let data44 = data40.percent;
const _errs111 = errors;
if(errors === _errs111){
if((typeof data44 == "number") && (isFinite(data44))){
if(data44 > 100 || isNaN(data44)){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/percent",schemaPath:"#/properties/routes/items/properties/percent/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100}}];
return false;
}
else {
if(data44 < 0 || isNaN(data44)){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/percent",schemaPath:"#/properties/routes/items/properties/percent/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/percent",schemaPath:"#/properties/routes/items/properties/percent/type",keyword:"type",params:{type: "number"}}];
return false;
}
}
var valid13 = _errs111 === errors;
}
else {
var valid13 = true;
}
if(valid13){
if(data40.clientErrors !== undefined){
let data45 = data40.clientErrors;
const _errs113 = errors;
if(!(((typeof data45 == "number") && (!(data45 % 1) && !isNaN(data45))) && (isFinite(data45)))){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/clientErrors",schemaPath:"#/properties/routes/items/properties/clientErrors/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs113){
if((typeof data45 == "number") && (isFinite(data45))){
if(data45 > 9007199254740991 || isNaN(data45)){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/clientErrors",schemaPath:"#/properties/routes/items/properties/clientErrors/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data45 < 0 || isNaN(data45)){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/clientErrors",schemaPath:"#/properties/routes/items/properties/clientErrors/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid13 = _errs113 === errors;
}
else {
var valid13 = true;
}
if(valid13){
if(data40.serverErrors !== undefined){
let data46 = data40.serverErrors;
const _errs115 = errors;
if(!(((typeof data46 == "number") && (!(data46 % 1) && !isNaN(data46))) && (isFinite(data46)))){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/serverErrors",schemaPath:"#/properties/routes/items/properties/serverErrors/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs115){
if((typeof data46 == "number") && (isFinite(data46))){
if(data46 > 9007199254740991 || isNaN(data46)){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/serverErrors",schemaPath:"#/properties/routes/items/properties/serverErrors/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data46 < 0 || isNaN(data46)){
validate10.errors = [{instancePath:instancePath+"/routes/" + i0+"/serverErrors",schemaPath:"#/properties/routes/items/properties/serverErrors/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
}
var valid13 = _errs115 === errors;
}
else {
var valid13 = true;
}
}
}
}
}
}
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/routes/" + i0,schemaPath:"#/properties/routes/items/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid12 = _errs102 === errors;
if(!valid12){
break;
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/routes",schemaPath:"#/properties/routes/type",keyword:"type",params:{type: "array"}}];
return false;
}
}
var valid0 = _errs100 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
}
}
}
}
else {
validate10.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
validate10.errors = vErrors;
return errors === 0;
}
export const shape = {
 "o": {
  "clientId": {},
  "plan": {
   "o": {
    "name": {},
    "ratePerMinute": {},
    "dailyQuota": {},
    "strict": {
     "o": {
      "ratePerMinute": {}
     }
    }
   }
  },
  "period": {
   "o": {
    "from": {},
    "to": {},
    "days": {}
   }
  },
  "totals": {
   "o": {
    "requests": {},
    "units": {},
    "clientErrors": {},
    "serverErrors": {},
    "avgLatencyMs": {},
    "p95LatencyMs": {}
   }
  },
  "averagePerDay": {},
  "today": {
   "o": {
    "requests": {},
    "quota": {},
    "percentOfQuota": {}
   }
  },
  "limits": {
   "o": {
    "source": {},
    "ratePerMinute": {},
    "burst": {},
    "dailyQuota": {},
    "monthlyQuota": {},
    "strict": {
     "o": {
      "ratePerMinute": {},
      "burst": {}
     }
    }
   }
  },
  "month": {
   "o": {
    "month": {},
    "from": {},
    "to": {},
    "requests": {},
    "quota": {},
    "percentOfQuota": {}
   }
  },
  "routes": {
   "a": {
    "o": {
     "route": {},
     "requests": {},
     "units": {},
     "percent": {},
     "clientErrors": {},
     "serverErrors": {}
    }
   }
  }
 }
};
