// Request validator of admin route create-client, generated from the zod schemas in contracts/admin/routes.ts by `npm run validators`; do not edit.
// test/scripts/admin-validators.test.ts fails when it is stale. Read by capabilities/http/middleware/compiled-validation.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"parsedBody":{"type":"object","properties":{"plan":{"enum":["free","payg","standard","premium"]},"name":{"type":"string","minLength":1,"maxLength":64},"expiresInDays":{"type":"integer","minimum":1,"maximum":3650}},"required":["plan","name"],"additionalProperties":false}},"required":["parsedBody"]};
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
if(data.parsedBody === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "parsedBody"}};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.parsedBody !== undefined){
let data0 = data.parsedBody;
if(data0 && typeof data0 == "object" && !Array.isArray(data0)){
if(data0.plan === undefined){
const err1 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/required",keyword:"required",params:{missingProperty: "plan"}};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data0.name === undefined){
const err2 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/required",keyword:"required",params:{missingProperty: "name"}};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
for(const key0 in data0){
if(!(((key0 === "plan") || (key0 === "name")) || (key0 === "expiresInDays"))){
const err3 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0}};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data0.plan !== undefined){
let data1 = data0.plan;
if(!((((data1 === "free") || (data1 === "payg")) || (data1 === "standard")) || (data1 === "premium"))){
const err4 = {instancePath:instancePath+"/parsedBody/plan",schemaPath:"#/properties/parsedBody/properties/plan/enum",keyword:"enum",params:{allowedValues: schema11.properties.parsedBody.properties.plan.enum}};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data0.name !== undefined){
let data2 = data0.name;
if(typeof data2 === "string"){
if(func2(data2) > 64){
const err5 = {instancePath:instancePath+"/parsedBody/name",schemaPath:"#/properties/parsedBody/properties/name/maxLength",keyword:"maxLength",params:{limit: 64}};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(func2(data2) < 1){
const err6 = {instancePath:instancePath+"/parsedBody/name",schemaPath:"#/properties/parsedBody/properties/name/minLength",keyword:"minLength",params:{limit: 1}};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
else {
const err7 = {instancePath:instancePath+"/parsedBody/name",schemaPath:"#/properties/parsedBody/properties/name/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data0.expiresInDays !== undefined){
let data3 = data0.expiresInDays;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err8 = {instancePath:instancePath+"/parsedBody/expiresInDays",schemaPath:"#/properties/parsedBody/properties/expiresInDays/type",keyword:"type",params:{type: "integer"}};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 3650 || isNaN(data3)){
const err9 = {instancePath:instancePath+"/parsedBody/expiresInDays",schemaPath:"#/properties/parsedBody/properties/expiresInDays/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3650}};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data3 < 1 || isNaN(data3)){
const err10 = {instancePath:instancePath+"/parsedBody/expiresInDays",schemaPath:"#/properties/parsedBody/properties/expiresInDays/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1}};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
}
else {
const err11 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
else {
const err12 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}
export const parts = ["body"] as const;
export const messages = {
 "#/required/parsedBody": "is required",
 "#/properties/parsedBody/required/plan": "must be one of \"free\", \"payg\", \"standard\", \"premium\"",
 "#/properties/parsedBody/properties/plan/enum": "must be one of \"free\", \"payg\", \"standard\", \"premium\"",
 "#/properties/parsedBody/required/name": "is required",
 "#/properties/parsedBody/properties/name/minLength": "must be at least 1 characters",
 "#/properties/parsedBody/properties/name/maxLength": "must be at most 64 characters",
 "#/properties/parsedBody/required/expiresInDays": "is required",
 "#/properties/parsedBody/properties/expiresInDays/minimum": "must be at least 1",
 "#/properties/parsedBody/properties/expiresInDays/maximum": "must be at most 3650"
};
export const order = {
 "#": [
  "parsedBody"
 ],
 "#/properties/parsedBody": [
  "plan",
  "name",
  "expiresInDays"
 ]
};
export const checks = {
 "#": [
  "type",
  "properties",
  "required"
 ],
 "#/properties/parsedBody": [
  "type",
  "properties",
  "required",
  "additionalProperties"
 ],
 "#/properties/parsedBody/properties/plan": [
  "enum"
 ],
 "#/properties/parsedBody/properties/name": [
  "type",
  "minLength",
  "maxLength"
 ],
 "#/properties/parsedBody/properties/expiresInDays": [
  "type",
  "minimum",
  "maximum"
 ]
};
export const integers = [
 "#/properties/parsedBody/properties/expiresInDays"
];
export const normalise = [
 {
  "path": [
   "parsedBody",
   "name"
  ],
  "to": "trimmed"
 }
];
