// Request validator of route quotes, generated from the zod schemas in contracts/routes/quotes.ts by `npm run validators`; do not edit.
// test/scripts/request-validators.test.ts fails when it is stale. Read by capabilities/http/middleware/compiled-validation.ts.
// @ts-nocheck
export const validate = validate10;
export default validate10;
const schema11 = {"type":"object","properties":{"parsedBody":{"type":"object","properties":{"items":{"minItems":1,"maxItems":50,"type":"array","items":{"type":"object","properties":{"sku":{"type":"string","minLength":1,"maxLength":32,"pattern":"^[A-Z0-9-]+$"},"quantity":{"type":"integer","minimum":1,"maximum":1000}},"required":["sku","quantity"],"additionalProperties":false}},"currency":{"enum":["USD","EUR","GBP","JPY","CHF","CAD","AUD"]}},"required":["items","currency"],"additionalProperties":false}},"required":["parsedBody"]};
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
const pattern0 = new RegExp("^[A-Z0-9-]+$", "");

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
if(data0.items === undefined){
const err1 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/required",keyword:"required",params:{missingProperty: "items"}};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data0.currency === undefined){
const err2 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/required",keyword:"required",params:{missingProperty: "currency"}};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
for(const key0 in data0){
if(!((key0 === "items") || (key0 === "currency"))){
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
if(data0.items !== undefined){
let data1 = data0.items;
if(Array.isArray(data1)){
if(data1.length > 50){
const err4 = {instancePath:instancePath+"/parsedBody/items",schemaPath:"#/properties/parsedBody/properties/items/maxItems",keyword:"maxItems",params:{limit: 50}};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data1.length < 1){
const err5 = {instancePath:instancePath+"/parsedBody/items",schemaPath:"#/properties/parsedBody/properties/items/minItems",keyword:"minItems",params:{limit: 1}};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
const len0 = data1.length;
for(let i0=0; i0<len0; i0++){
let data2 = data1[i0];
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
if(data2.sku === undefined){
const err6 = {instancePath:instancePath+"/parsedBody/items/" + i0,schemaPath:"#/properties/parsedBody/properties/items/items/required",keyword:"required",params:{missingProperty: "sku"}};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data2.quantity === undefined){
const err7 = {instancePath:instancePath+"/parsedBody/items/" + i0,schemaPath:"#/properties/parsedBody/properties/items/items/required",keyword:"required",params:{missingProperty: "quantity"}};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key1 in data2){
if(!((key1 === "sku") || (key1 === "quantity"))){
const err8 = {instancePath:instancePath+"/parsedBody/items/" + i0,schemaPath:"#/properties/parsedBody/properties/items/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1}};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data2.sku !== undefined){
let data3 = data2.sku;
if(typeof data3 === "string"){
if(func2(data3) > 32){
const err9 = {instancePath:instancePath+"/parsedBody/items/" + i0+"/sku",schemaPath:"#/properties/parsedBody/properties/items/items/properties/sku/maxLength",keyword:"maxLength",params:{limit: 32}};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(func2(data3) < 1){
const err10 = {instancePath:instancePath+"/parsedBody/items/" + i0+"/sku",schemaPath:"#/properties/parsedBody/properties/items/items/properties/sku/minLength",keyword:"minLength",params:{limit: 1}};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(!pattern0.test(data3)){
const err11 = {instancePath:instancePath+"/parsedBody/items/" + i0+"/sku",schemaPath:"#/properties/parsedBody/properties/items/items/properties/sku/pattern",keyword:"pattern",params:{pattern: "^[A-Z0-9-]+$"}};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/parsedBody/items/" + i0+"/sku",schemaPath:"#/properties/parsedBody/properties/items/items/properties/sku/type",keyword:"type",params:{type: "string"}};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data2.quantity !== undefined){
let data4 = data2.quantity;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
const err13 = {instancePath:instancePath+"/parsedBody/items/" + i0+"/quantity",schemaPath:"#/properties/parsedBody/properties/items/items/properties/quantity/type",keyword:"type",params:{type: "integer"}};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 1000 || isNaN(data4)){
const err14 = {instancePath:instancePath+"/parsedBody/items/" + i0+"/quantity",schemaPath:"#/properties/parsedBody/properties/items/items/properties/quantity/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000}};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(data4 < 1 || isNaN(data4)){
const err15 = {instancePath:instancePath+"/parsedBody/items/" + i0+"/quantity",schemaPath:"#/properties/parsedBody/properties/items/items/properties/quantity/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1}};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
}
}
else {
const err16 = {instancePath:instancePath+"/parsedBody/items/" + i0,schemaPath:"#/properties/parsedBody/properties/items/items/type",keyword:"type",params:{type: "object"}};
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
else {
const err17 = {instancePath:instancePath+"/parsedBody/items",schemaPath:"#/properties/parsedBody/properties/items/type",keyword:"type",params:{type: "array"}};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data0.currency !== undefined){
let data5 = data0.currency;
if(!(((((((data5 === "USD") || (data5 === "EUR")) || (data5 === "GBP")) || (data5 === "JPY")) || (data5 === "CHF")) || (data5 === "CAD")) || (data5 === "AUD"))){
const err18 = {instancePath:instancePath+"/parsedBody/currency",schemaPath:"#/properties/parsedBody/properties/currency/enum",keyword:"enum",params:{allowedValues: schema11.properties.parsedBody.properties.currency.enum}};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
else {
const err19 = {instancePath:instancePath+"/parsedBody",schemaPath:"#/properties/parsedBody/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
else {
const err20 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}
export const parts = ["body"] as const;
export const messages = {
 "#/required/parsedBody": "is required",
 "#/properties/parsedBody/required/items": "is required",
 "#/properties/parsedBody/properties/items/minItems": "must be at least 1 items",
 "#/properties/parsedBody/properties/items/maxItems": "must be at most 50 items",
 "#/properties/parsedBody/properties/items/items/required/sku": "is required",
 "#/properties/parsedBody/properties/items/items/properties/sku/minLength": "must be at least 1 characters",
 "#/properties/parsedBody/properties/items/items/properties/sku/maxLength": "must be at most 32 characters",
 "#/properties/parsedBody/properties/items/items/properties/sku/pattern": "must contain only A-Z, 0-9 and -",
 "#/properties/parsedBody/properties/items/items/required/quantity": "is required",
 "#/properties/parsedBody/properties/items/items/properties/quantity/minimum": "must be at least 1",
 "#/properties/parsedBody/properties/items/items/properties/quantity/maximum": "must be at most 1000",
 "#/properties/parsedBody/required/currency": "must be one of \"USD\", \"EUR\", \"GBP\", \"JPY\", \"CHF\", \"CAD\", \"AUD\"",
 "#/properties/parsedBody/properties/currency/enum": "must be one of \"USD\", \"EUR\", \"GBP\", \"JPY\", \"CHF\", \"CAD\", \"AUD\""
};
export const order = {
 "#": [
  "parsedBody"
 ],
 "#/properties/parsedBody": [
  "items",
  "currency"
 ],
 "#/properties/parsedBody/properties/items/items": [
  "sku",
  "quantity"
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
 "#/properties/parsedBody/properties/items": [
  "minItems",
  "maxItems",
  "type",
  "items"
 ],
 "#/properties/parsedBody/properties/items/items": [
  "type",
  "properties",
  "required",
  "additionalProperties"
 ],
 "#/properties/parsedBody/properties/items/items/properties/sku": [
  "type",
  "minLength",
  "maxLength",
  "pattern"
 ],
 "#/properties/parsedBody/properties/items/items/properties/quantity": [
  "type",
  "minimum",
  "maximum"
 ],
 "#/properties/parsedBody/properties/currency": [
  "enum"
 ]
};
export const integers = [
 "#/properties/parsedBody/properties/items/items/properties/quantity"
];
