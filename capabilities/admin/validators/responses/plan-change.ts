// Validator of admin response plan-change, generated from its zod schema in contracts/admin/clients.ts by `npm run validators`; do not edit.
// test/scripts/admin-validators.test.ts fails when it is stale. Read by capabilities/records/compiled-record.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"clientId":{"type":"string"},"before":{"type":"string","enum":["free","payg","standard","premium"]},"after":{"type":"string","enum":["free","payg","standard","premium"]},"changedAt":{"type":"string"}},"required":["clientId","before","after","changedAt"],"additionalProperties":false};

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if(((((data.clientId === undefined) && (missing0 = "clientId")) || ((data.before === undefined) && (missing0 = "before"))) || ((data.after === undefined) && (missing0 = "after"))) || ((data.changedAt === undefined) && (missing0 = "changedAt"))){
validate10.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0}}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!((((key0 === "clientId") || (key0 === "before")) || (key0 === "after")) || (key0 === "changedAt"))){
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
if(data.before !== undefined){
let data1 = data.before;
const _errs4 = errors;
if(typeof data1 !== "string"){
validate10.errors = [{instancePath:instancePath+"/before",schemaPath:"#/properties/before/type",keyword:"type",params:{type: "string"}}];
return false;
}
if(!((((data1 === "free") || (data1 === "payg")) || (data1 === "standard")) || (data1 === "premium"))){
validate10.errors = [{instancePath:instancePath+"/before",schemaPath:"#/properties/before/enum",keyword:"enum",params:{allowedValues: schema11.properties.before.enum}}];
return false;
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.after !== undefined){
let data2 = data.after;
const _errs6 = errors;
if(typeof data2 !== "string"){
validate10.errors = [{instancePath:instancePath+"/after",schemaPath:"#/properties/after/type",keyword:"type",params:{type: "string"}}];
return false;
}
if(!((((data2 === "free") || (data2 === "payg")) || (data2 === "standard")) || (data2 === "premium"))){
validate10.errors = [{instancePath:instancePath+"/after",schemaPath:"#/properties/after/enum",keyword:"enum",params:{allowedValues: schema11.properties.after.enum}}];
return false;
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.changedAt !== undefined){
const _errs8 = errors;
if(typeof data.changedAt !== "string"){
validate10.errors = [{instancePath:instancePath+"/changedAt",schemaPath:"#/properties/changedAt/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid0 = _errs8 === errors;
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
  "before": {},
  "after": {},
  "changedAt": {}
 }
};
