// Validator of admin response rotated-key, generated from its zod schema in contracts/admin/clients.ts by `npm run validators`; do not edit.
// test/scripts/admin-validators.test.ts fails when it is stale. Read by capabilities/records/compiled-record.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"apiKey":{"type":"string"},"clientId":{"type":"string"},"plan":{"type":"string","enum":["free","payg","standard","premium"]},"oldKeyValidUntil":{"type":"string"}},"required":["apiKey","clientId","plan","oldKeyValidUntil"],"additionalProperties":false};

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if(((((data.apiKey === undefined) && (missing0 = "apiKey")) || ((data.clientId === undefined) && (missing0 = "clientId"))) || ((data.plan === undefined) && (missing0 = "plan"))) || ((data.oldKeyValidUntil === undefined) && (missing0 = "oldKeyValidUntil"))){
validate10.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0}}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!((((key0 === "apiKey") || (key0 === "clientId")) || (key0 === "plan")) || (key0 === "oldKeyValidUntil"))){
validate10.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0}}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.apiKey !== undefined){
const _errs2 = errors;
if(typeof data.apiKey !== "string"){
validate10.errors = [{instancePath:instancePath+"/apiKey",schemaPath:"#/properties/apiKey/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.clientId !== undefined){
const _errs4 = errors;
if(typeof data.clientId !== "string"){
validate10.errors = [{instancePath:instancePath+"/clientId",schemaPath:"#/properties/clientId/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.plan !== undefined){
let data2 = data.plan;
const _errs6 = errors;
if(typeof data2 !== "string"){
validate10.errors = [{instancePath:instancePath+"/plan",schemaPath:"#/properties/plan/type",keyword:"type",params:{type: "string"}}];
return false;
}
if(!((((data2 === "free") || (data2 === "payg")) || (data2 === "standard")) || (data2 === "premium"))){
validate10.errors = [{instancePath:instancePath+"/plan",schemaPath:"#/properties/plan/enum",keyword:"enum",params:{allowedValues: schema11.properties.plan.enum}}];
return false;
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.oldKeyValidUntil !== undefined){
const _errs8 = errors;
if(typeof data.oldKeyValidUntil !== "string"){
validate10.errors = [{instancePath:instancePath+"/oldKeyValidUntil",schemaPath:"#/properties/oldKeyValidUntil/type",keyword:"type",params:{type: "string"}}];
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
  "apiKey": {},
  "clientId": {},
  "plan": {},
  "oldKeyValidUntil": {}
 }
};
