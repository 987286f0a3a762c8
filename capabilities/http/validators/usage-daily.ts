// Request validator of route usage-daily, generated from the zod schemas in contracts/routes/usage-daily.ts by `npm run validators`; do not edit.
// test/scripts/request-validators.test.ts fails when it is stale. Read by capabilities/http/middleware/compiled-validation.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"queryStringParameters":{"type":"object","properties":{"days":{"type":"string","pattern":"^(?:[1-9]|[1-8]\\d|90)$"}},"additionalProperties":false}},"required":["queryStringParameters"]};
const pattern0 = new RegExp("^(?:[1-9]|[1-8]\\d|90)$", "");

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.queryStringParameters === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "queryStringParameters"}};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.queryStringParameters !== undefined){
let data0 = data.queryStringParameters;
if(data0 && typeof data0 == "object" && !Array.isArray(data0)){
for(const key0 in data0){
if(!(key0 === "days")){
const err1 = {instancePath:instancePath+"/queryStringParameters",schemaPath:"#/properties/queryStringParameters/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0}};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data0.days !== undefined){
let data1 = data0.days;
if(typeof data1 === "string"){
if(!pattern0.test(data1)){
const err2 = {instancePath:instancePath+"/queryStringParameters/days",schemaPath:"#/properties/queryStringParameters/properties/days/pattern",keyword:"pattern",params:{pattern: "^(?:[1-9]|[1-8]\\d|90)$"}};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/queryStringParameters/days",schemaPath:"#/properties/queryStringParameters/properties/days/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
}
else {
const err4 = {instancePath:instancePath+"/queryStringParameters",schemaPath:"#/properties/queryStringParameters/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
}
else {
const err5 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}
export const parts = ["query"] as const;
export const messages = {
 "#/required/queryStringParameters": "is required",
 "#/properties/queryStringParameters/required/days": "is required",
 "#/properties/queryStringParameters/properties/days/pattern": "must be a whole number from 1 to 90"
};
export const order = {
 "#": [
  "queryStringParameters"
 ],
 "#/properties/queryStringParameters": [
  "days"
 ]
};
export const checks = {
 "#": [
  "type",
  "properties",
  "required"
 ],
 "#/properties/queryStringParameters": [
  "type",
  "properties",
  "additionalProperties"
 ],
 "#/properties/queryStringParameters/properties/days": [
  "type",
  "pattern"
 ]
};
export const integers = [];
