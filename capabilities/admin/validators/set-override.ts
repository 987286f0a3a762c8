// Request validator of admin route set-override, generated from the zod schemas in contracts/admin/routes.ts by `npm run validators`; do not edit.
// test/scripts/admin-validators.test.ts fails when it is stale. Read by capabilities/http/middleware/compiled-validation.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"pathParameters":{"type":"object","properties":{"id":{"type":"string","pattern":"^cl_[0-9a-f]{32}$"}},"required":["id"],"additionalProperties":false},"parsedBody":{"type":"object","properties":{"ratePerMinute":{"type":"integer","minimum":1,"maximum":9007199254740991},"burst":{"type":"integer","minimum":1,"maximum":9007199254740991},"dailyQuota":{"type":"integer","minimum":1,"maximum":9007199254740991}},"additionalProperties":false}},"required":["pathParameters","parsedBody"]};
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
for(const key1 in data2){
if(!(((key1 === "ratePerMinute") || (key1 === "burst")) || (key1 === "dailyQuota"))){
const err7 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1}};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data2.ratePerMinute !== undefined){
let data3 = data2.ratePerMinute;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err8 = {instancePath:instancePath+"/parsedBody/ratePerMinute",schemaPath:"#/properties/parsedBody/properties/ratePerMinute/type",keyword:"type",params:{type: "integer"}};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 9007199254740991 || isNaN(data3)){
const err9 = {instancePath:instancePath+"/parsedBody/ratePerMinute",schemaPath:"#/properties/parsedBody/properties/ratePerMinute/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data3 < 1 || isNaN(data3)){
const err10 = {instancePath:instancePath+"/parsedBody/ratePerMinute",schemaPath:"#/properties/parsedBody/properties/ratePerMinute/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1}};
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
if(data2.burst !== undefined){
let data4 = data2.burst;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
const err11 = {instancePath:instancePath+"/parsedBody/burst",schemaPath:"#/properties/parsedBody/properties/burst/type",keyword:"type",params:{type: "integer"}};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 9007199254740991 || isNaN(data4)){
const err12 = {instancePath:instancePath+"/parsedBody/burst",schemaPath:"#/properties/parsedBody/properties/burst/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data4 < 1 || isNaN(data4)){
const err13 = {instancePath:instancePath+"/parsedBody/burst",schemaPath:"#/properties/parsedBody/properties/burst/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1}};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
if(data2.dailyQuota !== undefined){
let data5 = data2.dailyQuota;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err14 = {instancePath:instancePath+"/parsedBody/dailyQuota",schemaPath:"#/properties/parsedBody/properties/dailyQuota/type",keyword:"type",params:{type: "integer"}};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 9007199254740991 || isNaN(data5)){
const err15 = {instancePath:instancePath+"/parsedBody/dailyQuota",schemaPath:"#/properties/parsedBody/properties/dailyQuota/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
if(data5 < 1 || isNaN(data5)){
const err16 = {instancePath:instancePath+"/parsedBody/dailyQuota",schemaPath:"#/properties/parsedBody/properties/dailyQuota/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1}};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
}
else {
const err17 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
else {
const err18 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
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
 "#/properties/parsedBody/required/ratePerMinute": "is required",
 "#/properties/parsedBody/properties/ratePerMinute/minimum": "must be at least 1",
 "#/properties/parsedBody/properties/ratePerMinute/maximum": "must be at most 9007199254740991",
 "#/properties/parsedBody/required/burst": "is required",
 "#/properties/parsedBody/properties/burst/minimum": "must be at least 1",
 "#/properties/parsedBody/properties/burst/maximum": "must be at most 9007199254740991",
 "#/properties/parsedBody/required/dailyQuota": "is required",
 "#/properties/parsedBody/properties/dailyQuota/minimum": "must be at least 1",
 "#/properties/parsedBody/properties/dailyQuota/maximum": "must be at most 9007199254740991"
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
  "ratePerMinute",
  "burst",
  "dailyQuota"
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
  "additionalProperties"
 ],
 "#/properties/parsedBody/properties/ratePerMinute": [
  "type",
  "minimum",
  "maximum"
 ],
 "#/properties/parsedBody/properties/burst": [
  "type",
  "minimum",
  "maximum"
 ],
 "#/properties/parsedBody/properties/dailyQuota": [
  "type",
  "minimum",
  "maximum"
 ]
};
export const integers = [
 "#/properties/parsedBody/properties/ratePerMinute",
 "#/properties/parsedBody/properties/burst",
 "#/properties/parsedBody/properties/dailyQuota"
];
