// Request validator of route hello, generated from the zod schemas in contracts/routes/hello.ts by `npm run validators`; do not edit.
// test/scripts/request-validators.test.ts fails when it is stale. Read by capabilities/http/middleware/compiled-validation.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"queryStringParameters":{"type":"object","properties":{"name":{"type":"string","minLength":1,"maxLength":64}},"additionalProperties":false}},"required":["queryStringParameters"]};
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
if(!(key0 === "name")){
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
if(data0.name !== undefined){
let data1 = data0.name;
if(typeof data1 === "string"){
if(func2(data1) > 64){
const err2 = {instancePath:instancePath+"/queryStringParameters/name",schemaPath:"#/properties/queryStringParameters/properties/name/maxLength",keyword:"maxLength",params:{limit: 64}};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(func2(data1) < 1){
const err3 = {instancePath:instancePath+"/queryStringParameters/name",schemaPath:"#/properties/queryStringParameters/properties/name/minLength",keyword:"minLength",params:{limit: 1}};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/queryStringParameters/name",schemaPath:"#/properties/queryStringParameters/properties/name/type",keyword:"type",params:{type: "string"}};
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
const err5 = {instancePath:instancePath+"/queryStringParameters",schemaPath:"#/properties/queryStringParameters/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
else {
const err6 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}
export const parts = ["query"] as const;
export const messages = {
 "#/required/queryStringParameters": "is required",
 "#/properties/queryStringParameters/required/name": "is required",
 "#/properties/queryStringParameters/properties/name/minLength": "must be at least 1 characters",
 "#/properties/queryStringParameters/properties/name/maxLength": "must be at most 64 characters"
};
export const order = {
 "#": [
  "queryStringParameters"
 ],
 "#/properties/queryStringParameters": [
  "name"
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
 "#/properties/queryStringParameters/properties/name": [
  "type",
  "minLength",
  "maxLength"
 ]
};
export const integers = [];
