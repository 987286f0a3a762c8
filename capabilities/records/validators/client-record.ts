// Validator of stored record client-record, generated from its zod schema in capabilities/customers/client-record.ts by `npm run validators`; do not edit.
// test/scripts/record-validators.test.ts fails when it is stale. Read by capabilities/records/compiled-record.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"clientId":{"type":"string"},"name":{"type":"string"},"plan":{"type":"string","enum":["free","payg","standard","premium"]},"status":{"type":"string","enum":["active","revoked"]},"createdAt":{"type":"string"},"revokedAt":{"type":"string"},"usageKey":{"type":"string","minLength":20},"apiGatewayKeyId":{"type":"string"},"stripeCustomerId":{"type":"string"},"keyExpiresAt":{"type":"string","format":"date-time","pattern":"^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z))$"},"keyRetiresAt":{"type":"string","format":"date-time","pattern":"^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z))$"},"override":{"type":"object","properties":{"ratePerMinute":{"type":"integer","exclusiveMinimum":0,"maximum":9007199254740991,"minimum":-9007199254740991},"burst":{"type":"integer","exclusiveMinimum":0,"maximum":9007199254740991,"minimum":-9007199254740991},"dailyQuota":{"type":"integer","exclusiveMinimum":0,"maximum":9007199254740991,"minimum":-9007199254740991},"setAt":{"type":"string"},"usagePlanId":{"type":"string"}},"required":["ratePerMinute","burst","dailyQuota","setAt"]}},"required":["clientId","name","plan","status","createdAt","usageKey"]};
const func2 = (function ucs2length(str) {
    const len = str.length;
    let length = 0;
    let pos = 0;
    let value;
    while (pos < len) {
        length++;
        value = str.charCodeAt(pos++);
        if (value >= 0xd800 && value <= 0xdbff && pos < len) {
            // high surrogate, and there is a next character
            value = str.charCodeAt(pos);
            if ((value & 0xfc00) === 0xdc00)
                pos++; // low surrogate
        }
    }
    return length;
});
const pattern0 = new RegExp("^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z))$", "");

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.clientId === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "clientId"}};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.name === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "name"}};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.plan === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "plan"}};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.status === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "status"}};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data.createdAt === undefined){
const err4 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "createdAt"}};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data.usageKey === undefined){
const err5 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "usageKey"}};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data.clientId !== undefined){
if(typeof data.clientId !== "string"){
const err6 = {instancePath:instancePath+"/clientId",schemaPath:"#/properties/clientId/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.name !== undefined){
if(typeof data.name !== "string"){
const err7 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.plan !== undefined){
let data2 = data.plan;
if(typeof data2 !== "string"){
const err8 = {instancePath:instancePath+"/plan",schemaPath:"#/properties/plan/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(!((((data2 === "free") || (data2 === "payg")) || (data2 === "standard")) || (data2 === "premium"))){
const err9 = {instancePath:instancePath+"/plan",schemaPath:"#/properties/plan/enum",keyword:"enum",params:{allowedValues: schema11.properties.plan.enum}};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.status !== undefined){
let data3 = data.status;
if(typeof data3 !== "string"){
const err10 = {instancePath:instancePath+"/status",schemaPath:"#/properties/status/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(!((data3 === "active") || (data3 === "revoked"))){
const err11 = {instancePath:instancePath+"/status",schemaPath:"#/properties/status/enum",keyword:"enum",params:{allowedValues: schema11.properties.status.enum}};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.createdAt !== undefined){
if(typeof data.createdAt !== "string"){
const err12 = {instancePath:instancePath+"/createdAt",schemaPath:"#/properties/createdAt/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.revokedAt !== undefined){
if(typeof data.revokedAt !== "string"){
const err13 = {instancePath:instancePath+"/revokedAt",schemaPath:"#/properties/revokedAt/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.usageKey !== undefined){
let data6 = data.usageKey;
if(typeof data6 === "string"){
if(func2(data6) < 20){
const err14 = {instancePath:instancePath+"/usageKey",schemaPath:"#/properties/usageKey/minLength",keyword:"minLength",params:{limit: 20}};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/usageKey",schemaPath:"#/properties/usageKey/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.apiGatewayKeyId !== undefined){
if(typeof data.apiGatewayKeyId !== "string"){
const err16 = {instancePath:instancePath+"/apiGatewayKeyId",schemaPath:"#/properties/apiGatewayKeyId/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data.stripeCustomerId !== undefined){
if(typeof data.stripeCustomerId !== "string"){
const err17 = {instancePath:instancePath+"/stripeCustomerId",schemaPath:"#/properties/stripeCustomerId/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data.keyExpiresAt !== undefined){
let data9 = data.keyExpiresAt;
if(typeof data9 === "string"){
if(!pattern0.test(data9)){
const err18 = {instancePath:instancePath+"/keyExpiresAt",schemaPath:"#/properties/keyExpiresAt/pattern",keyword:"pattern",params:{pattern: "^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z))$"}};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/keyExpiresAt",schemaPath:"#/properties/keyExpiresAt/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data.keyRetiresAt !== undefined){
let data10 = data.keyRetiresAt;
if(typeof data10 === "string"){
if(!pattern0.test(data10)){
const err20 = {instancePath:instancePath+"/keyRetiresAt",schemaPath:"#/properties/keyRetiresAt/pattern",keyword:"pattern",params:{pattern: "^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z))$"}};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/keyRetiresAt",schemaPath:"#/properties/keyRetiresAt/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data.override !== undefined){
let data11 = data.override;
if(data11 && typeof data11 == "object" && !Array.isArray(data11)){
if(data11.ratePerMinute === undefined){
const err22 = {instancePath:instancePath+"/override",schemaPath:"#/properties/override/required",keyword:"required",params:{missingProperty: "ratePerMinute"}};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(data11.burst === undefined){
const err23 = {instancePath:instancePath+"/override",schemaPath:"#/properties/override/required",keyword:"required",params:{missingProperty: "burst"}};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
if(data11.dailyQuota === undefined){
const err24 = {instancePath:instancePath+"/override",schemaPath:"#/properties/override/required",keyword:"required",params:{missingProperty: "dailyQuota"}};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if(data11.setAt === undefined){
const err25 = {instancePath:instancePath+"/override",schemaPath:"#/properties/override/required",keyword:"required",params:{missingProperty: "setAt"}};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data11.ratePerMinute !== undefined){
let data12 = data11.ratePerMinute;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err26 = {instancePath:instancePath+"/override/ratePerMinute",schemaPath:"#/properties/override/properties/ratePerMinute/type",keyword:"type",params:{type: "integer"}};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 9007199254740991 || isNaN(data12)){
const err27 = {instancePath:instancePath+"/override/ratePerMinute",schemaPath:"#/properties/override/properties/ratePerMinute/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(data12 < -9007199254740991 || isNaN(data12)){
const err28 = {instancePath:instancePath+"/override/ratePerMinute",schemaPath:"#/properties/override/properties/ratePerMinute/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
if(data12 <= 0 || isNaN(data12)){
const err29 = {instancePath:instancePath+"/override/ratePerMinute",schemaPath:"#/properties/override/properties/ratePerMinute/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0}};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
}
if(data11.burst !== undefined){
let data13 = data11.burst;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
const err30 = {instancePath:instancePath+"/override/burst",schemaPath:"#/properties/override/properties/burst/type",keyword:"type",params:{type: "integer"}};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 > 9007199254740991 || isNaN(data13)){
const err31 = {instancePath:instancePath+"/override/burst",schemaPath:"#/properties/override/properties/burst/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if(data13 < -9007199254740991 || isNaN(data13)){
const err32 = {instancePath:instancePath+"/override/burst",schemaPath:"#/properties/override/properties/burst/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(data13 <= 0 || isNaN(data13)){
const err33 = {instancePath:instancePath+"/override/burst",schemaPath:"#/properties/override/properties/burst/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0}};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
}
if(data11.dailyQuota !== undefined){
let data14 = data11.dailyQuota;
if(!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))){
const err34 = {instancePath:instancePath+"/override/dailyQuota",schemaPath:"#/properties/override/properties/dailyQuota/type",keyword:"type",params:{type: "integer"}};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 > 9007199254740991 || isNaN(data14)){
const err35 = {instancePath:instancePath+"/override/dailyQuota",schemaPath:"#/properties/override/properties/dailyQuota/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if(data14 < -9007199254740991 || isNaN(data14)){
const err36 = {instancePath:instancePath+"/override/dailyQuota",schemaPath:"#/properties/override/properties/dailyQuota/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
if(data14 <= 0 || isNaN(data14)){
const err37 = {instancePath:instancePath+"/override/dailyQuota",schemaPath:"#/properties/override/properties/dailyQuota/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0}};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
}
if(data11.setAt !== undefined){
if(typeof data11.setAt !== "string"){
const err38 = {instancePath:instancePath+"/override/setAt",schemaPath:"#/properties/override/properties/setAt/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
if(data11.usagePlanId !== undefined){
if(typeof data11.usagePlanId !== "string"){
const err39 = {instancePath:instancePath+"/override/usagePlanId",schemaPath:"#/properties/override/properties/usagePlanId/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
}
else {
const err40 = {instancePath:instancePath+"/override",schemaPath:"#/properties/override/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
}
else {
const err41 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}
export const shape = {
 "o": {
  "clientId": {},
  "name": {},
  "plan": {},
  "status": {},
  "createdAt": {},
  "revokedAt": {},
  "usageKey": {},
  "apiGatewayKeyId": {},
  "stripeCustomerId": {},
  "keyExpiresAt": {},
  "keyRetiresAt": {},
  "override": {
   "o": {
    "ratePerMinute": {},
    "burst": {},
    "dailyQuota": {},
    "setAt": {},
    "usagePlanId": {}
   }
  }
 }
};
