// Request validator of admin route set-plan, generated from the zod schemas in contracts/admin/routes.ts by `npm run validators`; do not edit.
// test/scripts/admin-validators.test.ts fails when it is stale. Read by capabilities/http/middleware/compiled-validation.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"pathParameters":{"type":"object","properties":{"id":{"type":"string","pattern":"^cl_[0-9a-f]{32}$"}},"required":["id"],"additionalProperties":false},"parsedBody":{"type":"object","properties":{"plan":{"enum":["free","payg","standard","premium"]}},"required":["plan"],"additionalProperties":false}},"required":["pathParameters","parsedBody"]};
const pattern0 = new RegExp("^cl_[0-9a-f]{32}$", "");

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.pathParameters === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "pathParameters"}};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.parsedBody === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "parsedBody"}};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.pathParameters !== undefined){
let data0 = data.pathParameters;
if(data0 && typeof data0 == "object" && !Array.isArray(data0)){
if(data0.id === undefined){
const err2 = {instancePath:instancePath+"/pathParameters",schemaPath:"#/properties/pathParameters/required",keyword:"required",params:{missingProperty: "id"}};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
for(const key0 in data0){
if(!(key0 === "id")){
const err3 = {instancePath:instancePath+"/pathParameters",schemaPath:"#/properties/pathParameters/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0}};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data0.id !== undefined){
let data1 = data0.id;
if(typeof data1 === "string"){
if(!pattern0.test(data1)){
const err4 = {instancePath:instancePath+"/pathParameters/id",schemaPath:"#/properties/pathParameters/properties/id/pattern",keyword:"pattern",params:{pattern: "^cl_[0-9a-f]{32}$"}};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/pathParameters/id",schemaPath:"#/properties/pathParameters/properties/id/type",keyword:"type",params:{type: "string"}};
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
const err6 = {instancePath:instancePath+"/pathParameters",schemaPath:"#/properties/pathParameters/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.parsedBody !== undefined){
let data2 = data.parsedBody;
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
if(data2.plan === undefined){
const err7 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/required",keyword:"required",params:{missingProperty: "plan"}};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key1 in data2){
if(!(key1 === "plan")){
const err8 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1}};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data2.plan !== undefined){
let data3 = data2.plan;
if(!((((data3 === "free") || (data3 === "payg")) || (data3 === "standard")) || (data3 === "premium"))){
const err9 = {instancePath:instancePath+"/parsedBody/plan",schemaPath:"#/properties/parsedBody/properties/plan/enum",keyword:"enum",params:{allowedValues: schema11.properties.parsedBody.properties.plan.enum}};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
else {
const err10 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/type",keyword:"type",params:{type: "object"}};
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
else {
const err11 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}
export const parts = ["path","body"] as const;
export const messages = {
 "#/required/pathParameters": "is required",
 "#/properties/pathParameters/required/id": "is required",
 "#/properties/pathParameters/properties/id/pattern": "must be a client id (cl_ followed by 32 hex digits)",
 "#/required/parsedBody": "is required",
 "#/properties/parsedBody/required/plan": "must be one of \"free\", \"payg\", \"standard\", \"premium\"",
 "#/properties/parsedBody/properties/plan/enum": "must be one of \"free\", \"payg\", \"standard\", \"premium\""
};
export const order = {
 "#": [
  "pathParameters",
  "parsedBody"
 ],
 "#/properties/pathParameters": [
  "id"
 ],
 "#/properties/parsedBody": [
  "plan"
 ]
};
export const checks = {
 "#": [
  "type",
  "properties",
  "required"
 ],
 "#/properties/pathParameters": [
  "type",
  "properties",
  "required",
  "additionalProperties"
 ],
 "#/properties/pathParameters/properties/id": [
  "type",
  "pattern"
 ],
 "#/properties/parsedBody": [
  "type",
  "properties",
  "required",
  "additionalProperties"
 ],
 "#/properties/parsedBody/properties/plan": [
  "enum"
 ]
};
export const integers = [];
