// Validator of admin response client-list, generated from its zod schema in contracts/admin/clients.ts by `npm run validators`; do not edit.
// test/scripts/admin-validators.test.ts fails when it is stale. Read by capabilities/records/compiled-record.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"clients":{"type":"array","items":{"type":"object","properties":{"clientId":{"type":"string"},"name":{"type":"string"},"plan":{"type":"string","enum":["free","payg","standard","premium"]},"status":{"type":"string","enum":["active","revoked"]},"createdAt":{"type":"string"},"revokedAt":{"type":"string"},"keyExpiresAt":{"type":"string"},"override":{"type":"object","properties":{"ratePerMinute":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},"burst":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},"dailyQuota":{"type":"integer","minimum":-9007199254740991,"maximum":9007199254740991},"setAt":{"type":"string"}},"required":["ratePerMinute","burst","dailyQuota","setAt"],"additionalProperties":false},"stripeCustomerId":{"type":"string"}},"required":["clientId","name","plan","status","createdAt"],"additionalProperties":false}},"nextCursor":{"type":"string"}},"required":["clients"],"additionalProperties":false};
const func2 = Object.prototype.hasOwnProperty;

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.clients === undefined) && (missing0 = "clients")){
validate10.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0}}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!((key0 === "clients") || (key0 === "nextCursor"))){
validate10.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0}}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.clients !== undefined){
let data0 = data.clients;
const _errs2 = errors;
if(errors === _errs2){
if(Array.isArray(data0)){
var valid1 = true;
const len0 = data0.length;
for(let i0=0; i0<len0; i0++){
let data1 = data0[i0];
const _errs4 = errors;
if(errors === _errs4){
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
let missing1;
if((((((data1.clientId === undefined) && (missing1 = "clientId")) || ((data1.name === undefined) && (missing1 = "name"))) || ((data1.plan === undefined) && (missing1 = "plan"))) || ((data1.status === undefined) && (missing1 = "status"))) || ((data1.createdAt === undefined) && (missing1 = "createdAt"))){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0,schemaPath:"#/properties/clients/items/required",keyword:"required",params:{missingProperty: missing1}}];
return false;
}
else {
const _errs6 = errors;
for(const key1 in data1){
if(!(func2.call(schema11.properties.clients.items.properties, key1))){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0,schemaPath:"#/properties/clients/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1}}];
return false;
break;
}
}
if(_errs6 === errors){
if(data1.clientId !== undefined){
const _errs7 = errors;
if(typeof data1.clientId !== "string"){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/clientId",schemaPath:"#/properties/clients/items/properties/clientId/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid2 = _errs7 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data1.name !== undefined){
const _errs9 = errors;
if(typeof data1.name !== "string"){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/name",schemaPath:"#/properties/clients/items/properties/name/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid2 = _errs9 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data1.plan !== undefined){
let data4 = data1.plan;
const _errs11 = errors;
if(typeof data4 !== "string"){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/plan",schemaPath:"#/properties/clients/items/properties/plan/type",keyword:"type",params:{type: "string"}}];
return false;
}
if(!((((data4 === "free") || (data4 === "payg")) || (data4 === "standard")) || (data4 === "premium"))){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/plan",schemaPath:"#/properties/clients/items/properties/plan/enum",keyword:"enum",params:{allowedValues: schema11.properties.clients.items.properties.plan.enum}}];
return false;
}
var valid2 = _errs11 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data1.status !== undefined){
let data5 = data1.status;
const _errs13 = errors;
if(typeof data5 !== "string"){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/status",schemaPath:"#/properties/clients/items/properties/status/type",keyword:"type",params:{type: "string"}}];
return false;
}
if(!((data5 === "active") || (data5 === "revoked"))){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/status",schemaPath:"#/properties/clients/items/properties/status/enum",keyword:"enum",params:{allowedValues: schema11.properties.clients.items.properties.status.enum}}];
return false;
}
var valid2 = _errs13 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data1.createdAt !== undefined){
const _errs15 = errors;
if(typeof data1.createdAt !== "string"){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/createdAt",schemaPath:"#/properties/clients/items/properties/createdAt/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid2 = _errs15 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data1.revokedAt !== undefined){
const _errs17 = errors;
if(typeof data1.revokedAt !== "string"){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/revokedAt",schemaPath:"#/properties/clients/items/properties/revokedAt/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid2 = _errs17 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data1.keyExpiresAt !== undefined){
const _errs19 = errors;
if(typeof data1.keyExpiresAt !== "string"){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/keyExpiresAt",schemaPath:"#/properties/clients/items/properties/keyExpiresAt/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid2 = _errs19 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data1.override !== undefined){
let data9 = data1.override;
const _errs21 = errors;
if(errors === _errs21){
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
let missing2;
if(((((data9.ratePerMinute === undefined) && (missing2 = "ratePerMinute")) || ((data9.burst === undefined) && (missing2 = "burst"))) || ((data9.dailyQuota === undefined) && (missing2 = "dailyQuota"))) || ((data9.setAt === undefined) && (missing2 = "setAt"))){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override",schemaPath:"#/properties/clients/items/properties/override/required",keyword:"required",params:{missingProperty: missing2}}];
return false;
}
else {
const _errs23 = errors;
for(const key2 in data9){
if(!((((key2 === "ratePerMinute") || (key2 === "burst")) || (key2 === "dailyQuota")) || (key2 === "setAt"))){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override",schemaPath:"#/properties/clients/items/properties/override/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2}}];
return false;
break;
}
}
if(_errs23 === errors){
if(data9.ratePerMinute !== undefined){
let data10 = data9.ratePerMinute;
const _errs24 = errors;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override/ratePerMinute",schemaPath:"#/properties/clients/items/properties/override/properties/ratePerMinute/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs24){
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 9007199254740991 || isNaN(data10)){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override/ratePerMinute",schemaPath:"#/properties/clients/items/properties/override/properties/ratePerMinute/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data10 < -9007199254740991 || isNaN(data10)){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override/ratePerMinute",schemaPath:"#/properties/clients/items/properties/override/properties/ratePerMinute/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
return false;
}
}
}
}
var valid3 = _errs24 === errors;
}
else {
var valid3 = true;
}
if(valid3){
if(data9.burst !== undefined){
let data11 = data9.burst;
const _errs26 = errors;
if(!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override/burst",schemaPath:"#/properties/clients/items/properties/override/properties/burst/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs26){
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 > 9007199254740991 || isNaN(data11)){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override/burst",schemaPath:"#/properties/clients/items/properties/override/properties/burst/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data11 < -9007199254740991 || isNaN(data11)){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override/burst",schemaPath:"#/properties/clients/items/properties/override/properties/burst/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
return false;
}
}
}
}
var valid3 = _errs26 === errors;
}
else {
var valid3 = true;
}
if(valid3){
if(data9.dailyQuota !== undefined){
let data12 = data9.dailyQuota;
const _errs28 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override/dailyQuota",schemaPath:"#/properties/clients/items/properties/override/properties/dailyQuota/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs28){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 9007199254740991 || isNaN(data12)){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override/dailyQuota",schemaPath:"#/properties/clients/items/properties/override/properties/dailyQuota/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991}}];
return false;
}
else {
if(data12 < -9007199254740991 || isNaN(data12)){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override/dailyQuota",schemaPath:"#/properties/clients/items/properties/override/properties/dailyQuota/minimum",keyword:"minimum",params:{comparison: ">=", limit: -9007199254740991}}];
return false;
}
}
}
}
var valid3 = _errs28 === errors;
}
else {
var valid3 = true;
}
if(valid3){
if(data9.setAt !== undefined){
const _errs30 = errors;
if(typeof data9.setAt !== "string"){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override/setAt",schemaPath:"#/properties/clients/items/properties/override/properties/setAt/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid3 = _errs30 === errors;
}
else {
var valid3 = true;
}
}
}
}
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/override",schemaPath:"#/properties/clients/items/properties/override/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid2 = _errs21 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data1.stripeCustomerId !== undefined){
const _errs32 = errors;
if(typeof data1.stripeCustomerId !== "string"){
validate10.errors = [{instancePath:instancePath+"/clients/" + i0+"/stripeCustomerId",schemaPath:"#/properties/clients/items/properties/stripeCustomerId/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid2 = _errs32 === errors;
}
else {
var valid2 = true;
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
validate10.errors = [{instancePath:instancePath+"/clients/" + i0,schemaPath:"#/properties/clients/items/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid1 = _errs4 === errors;
if(!valid1){
break;
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/clients",schemaPath:"#/properties/clients/type",keyword:"type",params:{type: "array"}}];
return false;
}
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.nextCursor !== undefined){
const _errs34 = errors;
if(typeof data.nextCursor !== "string"){
validate10.errors = [{instancePath:instancePath+"/nextCursor",schemaPath:"#/properties/nextCursor/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid0 = _errs34 === errors;
}
else {
var valid0 = true;
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
  "clients": {
   "a": {
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
   }
  },
  "nextCursor": {}
 }
};
