// Validator of admin response client-view, generated from its zod schema in contracts/admin/clients.ts by `npm run validators`; do not edit.
// test/scripts/admin-validators.test.ts fails when it is stale. Read by capabilities/records/compiled-record.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"clientId":{"type":"string"},"name":{"type":"string"},"plan":{"type":"string","enum":["free","payg","standard","premium"]},"status":{"type":"string","enum":["active","revoked"]},"createdAt":{"type":"string"},"revokedAt":{"type":"string"},"keyExpiresAt":{"type":"string"},"override":{"type":"object","properties":{"ratePerMinute":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},"burst":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},"dailyQuota":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},"setAt":{"type":"string"}},"required":["ratePerMinute","burst","dailyQuota","setAt"],"additionalProperties":false},"stripeCustomerId":{"type":"string"}},"required":["clientId","name","plan","status","createdAt"],"additionalProperties":false};
const func2 = Object.prototype.hasOwnProperty;

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.clientId === undefined) && (missing0 = "clientId")) || ((data.name === undefined) && (missing0 = "name"))) || ((data.plan === undefined) && (missing0 = "plan"))) || ((data.status === undefined) && (missing0 = "status"))) || ((data.createdAt === undefined) && (missing0 = "createdAt"))){
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
if(data.name !== undefined){
const _errs4 = errors;
if(typeof data.name !== "string"){
validate10.errors = [{instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"}}];
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
if(data.status !== undefined){
let data3 = data.status;
const _errs8 = errors;
if(typeof data3 !== "string"){
validate10.errors = [{instancePath:instancePath+"/status",schemaPath:"#/properties/status/type",keyword:"type",params:{type: "string"}}];
return false;
}
if(!((data3 === "active") || (data3 === "revoked"))){
validate10.errors = [{instancePath:instancePath+"/status",schemaPath:"#/properties/status/enum",keyword:"enum",params:{allowedValues: schema11.properties.status.enum}}];
return false;
}
var valid0 = _errs8 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.createdAt !== undefined){
const _errs10 = errors;
if(typeof data.createdAt !== "string"){
validate10.errors = [{instancePath:instancePath+"/createdAt",schemaPath:"#/properties/createdAt/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid0 = _errs10 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.revokedAt !== undefined){
const _errs12 = errors;
if(typeof data.revokedAt !== "string"){
validate10.errors = [{instancePath:instancePath+"/revokedAt",schemaPath:"#/properties/revokedAt/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid0 = _errs12 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.keyExpiresAt !== undefined){
const _errs14 = errors;
if(typeof data.keyExpiresAt !== "string"){
validate10.errors = [{instancePath:instancePath+"/keyExpiresAt",schemaPath:"#/properties/keyExpiresAt/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid0 = _errs14 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.override !== undefined){
let data7 = data.override;
const _errs16 = errors;
if(errors === _errs16){
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
let missing1;
if(((((data7.ratePerMinute === undefined) && (missing1 = "ratePerMinute")) || ((data7.burst === undefined) && (missing1 = "burst"))) || ((data7.dailyQuota === undefined) && (missing1 = "dailyQuota"))) || ((data7.setAt === undefined) && (missing1 = "setAt"))){
validate10.errors = [{instancePath:instancePath+"/override",schemaPath:"#/properties/override/required",keyword:"required",params:{missingProperty: missing1}}];
return false;
}
else {
const _errs18 = errors;
for(const key1 in data7){
if(!((((key1 === "ratePerMinute") || (key1 === "burst")) || (key1 === "dailyQuota")) || (key1 === "setAt"))){
validate10.errors = [{instancePath:instancePath+"/override",schemaPath:"#/properties/override/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1}}];
return false;
break;
}
}
if(_errs18 === errors){
if(data7.ratePerMinute !== undefined){
let data8 = data7.ratePerMinute;
const _errs19 = errors;
if(!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8)))){
validate10.errors = [{instancePath:instancePath+"/override/ratePerMinute",schemaPath:"#/properties/override/properties/ratePerMinute/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate10.errors = [{instancePath:instancePath+"/override/ratePerMinute",schemaPath:"#/properties/override/properties/ratePerMinute/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data8 < -9007199254740991 || isNaN(data8)){
validate10.errors = [{instancePath:instancePath+"/override/ratePerMinute",schemaPath:"#/properties/override/properties/ratePerMinute/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
return false;
}
}
}
}
var valid1 = _errs19 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data7.burst !== undefined){
let data9 = data7.burst;
const _errs21 = errors;
if(!(((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9))) && (isFinite(data9)))){
validate10.errors = [{instancePath:instancePath+"/override/burst",schemaPath:"#/properties/override/properties/burst/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs21){
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 9007199254740991 || isNaN(data9)){
validate10.errors = [{instancePath:instancePath+"/override/burst",schemaPath:"#/properties/override/properties/burst/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data9 < -9007199254740991 || isNaN(data9)){
validate10.errors = [{instancePath:instancePath+"/override/burst",schemaPath:"#/properties/override/properties/burst/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
return false;
}
}
}
}
var valid1 = _errs21 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data7.dailyQuota !== undefined){
let data10 = data7.dailyQuota;
const _errs23 = errors;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
validate10.errors = [{instancePath:instancePath+"/override/dailyQuota",schemaPath:"#/properties/override/properties/dailyQuota/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs23){
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 9007199254740991 || isNaN(data10)){
validate10.errors = [{instancePath:instancePath+"/override/dailyQuota",schemaPath:"#/properties/override/properties/dailyQuota/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data10 < -9007199254740991 || isNaN(data10)){
validate10.errors = [{instancePath:instancePath+"/override/dailyQuota",schemaPath:"#/properties/override/properties/dailyQuota/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
return false;
}
}
}
}
var valid1 = _errs23 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data7.setAt !== undefined){
const _errs25 = errors;
if(typeof data7.setAt !== "string"){
validate10.errors = [{instancePath:instancePath+"/override/setAt",schemaPath:"#/properties/override/properties/setAt/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid1 = _errs25 === errors;
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
validate10.errors = [{instancePath:instancePath+"/override",schemaPath:"#/properties/override/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid0 = _errs16 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.stripeCustomerId !== undefined){
const _errs27 = errors;
if(typeof data.stripeCustomerId !== "string"){
validate10.errors = [{instancePath:instancePath+"/stripeCustomerId",schemaPath:"#/properties/stripeCustomerId/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid0 = _errs27 === errors;
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
  "name": {},
  "plan": {},
  "status": {},
  "createdAt": {},
  "revokedAt": {},
  "keyExpiresAt": {},
  "override": {
   "o": {
    "ratePerMinute": {},
    "burst": {},
    "dailyQuota": {},
    "setAt": {}
   }
  },
  "stripeCustomerId": {}
 }
};
