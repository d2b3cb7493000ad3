"use strict";
// Nested output types of the bound resources, laid out like upstream's sdk/nodejs/types/output.ts:
// the same fields as the input types in ./input.ts, unwrapped from pulumi.Input and with optional
// fields optional. (The extract lists input types only; the test derives the expected output shapes
// from them.)
Object.defineProperty(exports, "__esModule", { value: true });
