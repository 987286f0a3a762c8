// Validator of admin response override, generated from its zod schema in contracts/admin/clients.ts by `npm run validators`; do not edit.
// test/scripts/admin-validators.test.ts fails when it is stale. Read by capabilities/records/compiled-record.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"clientId":{"type":"string"},"plan":{"type":"string","enum":["free","payg","standard","premium"]},"before":{"type":"object","properties":{"ratePerMinute":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},"burst":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},"dailyQuota":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991}},"required":["ratePerMinute","burst","dailyQuota"],"additionalProperties":false},"after":{"type":"object","properties":{"ratePerMinute":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},"burst":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},"dailyQuota":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991}},"required":["ratePerMinute","burst","dailyQuota"],"additionalProperties":false},"setAt":{"type":"string"}},"required":["clientId","plan","after","setAt"],"additionalProperties":false};

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if(((((data.clientId === undefined) && (missing0 = "clientId")) || ((data.plan === undefined) && (missing0 = "plan"))) || ((data.after === undefined) && (missing0 = "after"))) || ((data.setAt === undefined) && (missing0 = "setAt"))){
validate10.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0}}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(((((key0 === "clientId") || (key0 === "plan")) || (key0 === "before")) || (key0 === "after")) || (key0 === "setAt"))){
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
if(typeof data1 !== "string"){
validate10.errors = [{instancePath:instancePath+"/plan",schemaPath:"#/properties/plan/type",keyword:"type",params:{type: "string"}}];
return false;
}
if(!((((data1 === "free") || (data1 === "payg")) || (data1 === "standard")) || (data1 === "premium"))){
validate10.errors = [{instancePath:instancePath+"/plan",schemaPath:"#/properties/plan/enum",keyword:"enum",params:{allowedValues: schema11.properties.plan.enum}}];
return false;
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.before !== undefined){
let data2 = data.before;
const _errs6 = errors;
if(errors === _errs6){
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
let missing1;
if((((data2.ratePerMinute === undefined) && (missing1 = "ratePerMinute")) || ((data2.burst === undefined) && (missing1 = "burst"))) || ((data2.dailyQuota === undefined) && (missing1 = "dailyQuota"))){
validate10.errors = [{instancePath:instancePath+"/before",schemaPath:"#/properties/before/required",keyword:"required",params:{missingProperty: missing1}}];
return false;
}
else {
const _errs8 = errors;
for(const key1 in data2){
if(!(((key1 === "ratePerMinute") || (key1 === "burst")) || (key1 === "dailyQuota"))){
validate10.errors = [{instancePath:instancePath+"/before",schemaPath:"#/properties/before/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1}}];
return false;
break;
}
}
if(_errs8 === errors){
if(data2.ratePerMinute !== undefined){
let data3 = data2.ratePerMinute;
const _errs9 = errors;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
validate10.errors = [{instancePath:instancePath+"/before/ratePerMinute",schemaPath:"#/properties/before/properties/ratePerMinute/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs9){
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 9007199254740991 || isNaN(data3)){
validate10.errors = [{instancePath:instancePath+"/before/ratePerMinute",schemaPath:"#/properties/before/properties/ratePerMinute/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data3 < -9007199254740991 || isNaN(data3)){
validate10.errors = [{instancePath:instancePath+"/before/ratePerMinute",schemaPath:"#/properties/before/properties/ratePerMinute/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
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
if(data2.burst !== undefined){
let data4 = data2.burst;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate10.errors = [{instancePath:instancePath+"/before/burst",schemaPath:"#/properties/before/properties/burst/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 9007199254740991 || isNaN(data4)){
validate10.errors = [{instancePath:instancePath+"/before/burst",schemaPath:"#/properties/before/properties/burst/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data4 < -9007199254740991 || isNaN(data4)){
validate10.errors = [{instancePath:instancePath+"/before/burst",schemaPath:"#/properties/before/properties/burst/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
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
if(data2.dailyQuota !== undefined){
let data5 = data2.dailyQuota;
const _errs13 = errors;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
validate10.errors = [{instancePath:instancePath+"/before/dailyQuota",schemaPath:"#/properties/before/properties/dailyQuota/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs13){
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 9007199254740991 || isNaN(data5)){
validate10.errors = [{instancePath:instancePath+"/before/dailyQuota",schemaPath:"#/properties/before/properties/dailyQuota/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data5 < -9007199254740991 || isNaN(data5)){
validate10.errors = [{instancePath:instancePath+"/before/dailyQuota",schemaPath:"#/properties/before/properties/dailyQuota/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
return false;
}
}
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
else {
validate10.errors = [{instancePath:instancePath+"/before",schemaPath:"#/properties/before/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.after !== undefined){
let data6 = data.after;
const _errs15 = errors;
if(errors === _errs15){
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
let missing2;
if((((data6.ratePerMinute === undefined) && (missing2 = "ratePerMinute")) || ((data6.burst === undefined) && (missing2 = "burst"))) || ((data6.dailyQuota === undefined) && (missing2 = "dailyQuota"))){
validate10.errors = [{instancePath:instancePath+"/after",schemaPath:"#/properties/after/required",keyword:"required",params:{missingProperty: missing2}}];
return false;
}
else {
const _errs17 = errors;
for(const key2 in data6){
if(!(((key2 === "ratePerMinute") || (key2 === "burst")) || (key2 === "dailyQuota"))){
validate10.errors = [{instancePath:instancePath+"/after",schemaPath:"#/properties/after/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2}}];
return false;
break;
}
}
if(_errs17 === errors){
if(data6.ratePerMinute !== undefined){
let data7 = data6.ratePerMinute;
const _errs18 = errors;
if(!(((typeof data7 == "number") && (!(data7 % 1) && !isNaN(data7))) && (isFinite(data7)))){
validate10.errors = [{instancePath:instancePath+"/after/ratePerMinute",schemaPath:"#/properties/after/properties/ratePerMinute/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs18){
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 9007199254740991 || isNaN(data7)){
validate10.errors = [{instancePath:instancePath+"/after/ratePerMinute",schemaPath:"#/properties/after/properties/ratePerMinute/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data7 < -9007199254740991 || isNaN(data7)){
validate10.errors = [{instancePath:instancePath+"/after/ratePerMinute",schemaPath:"#/properties/after/properties/ratePerMinute/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
return false;
}
}
}
}
var valid2 = _errs18 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data6.burst !== undefined){
let data8 = data6.burst;
const _errs20 = errors;
if(!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8)))){
validate10.errors = [{instancePath:instancePath+"/after/burst",schemaPath:"#/properties/after/properties/burst/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs20){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate10.errors = [{instancePath:instancePath+"/after/burst",schemaPath:"#/properties/after/properties/burst/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data8 < -9007199254740991 || isNaN(data8)){
validate10.errors = [{instancePath:instancePath+"/after/burst",schemaPath:"#/properties/after/properties/burst/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
return false;
}
}
}
}
var valid2 = _errs20 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data6.dailyQuota !== undefined){
let data9 = data6.dailyQuota;
const _errs22 = errors;
if(!(((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9))) && (isFinite(data9)))){
validate10.errors = [{instancePath:instancePath+"/after/dailyQuota",schemaPath:"#/properties/after/properties/dailyQuota/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs22){
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 9007199254740991 || isNaN(data9)){
validate10.errors = [{instancePath:instancePath+"/after/dailyQuota",schemaPath:"#/properties/after/properties/dailyQuota/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data9 < -9007199254740991 || isNaN(data9)){
validate10.errors = [{instancePath:instancePath+"/after/dailyQuota",schemaPath:"#/properties/after/properties/dailyQuota/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
return false;
}
}
}
}
var valid2 = _errs22 === errors;
}
else {
var valid2 = true;
}
}
}
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/after",schemaPath:"#/properties/after/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid0 = _errs15 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.setAt !== undefined){
const _errs24 = errors;
if(typeof data.setAt !== "string"){
validate10.errors = [{instancePath:instancePath+"/setAt",schemaPath:"#/properties/setAt/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid0 = _errs24 === errors;
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
  "plan": {},
  "before": {
   "o": {
    "ratePerMinute": {},
    "burst": {},
    "dailyQuota": {}
   }
  },
  "after": {
   "o": {
    "ratePerMinute": {},
    "burst": {},
    "dailyQuota": {}
   }
  },
  "setAt": {}
 }
};
