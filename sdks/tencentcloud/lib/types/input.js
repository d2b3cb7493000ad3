"use strict";
// Nested input types of the bound resources, laid out like upstream's sdk/nodejs/types/input.ts
// (namespace names follow the token module, e.g. `Lighthouse`, as upstream's do).
// Field names, optionality and types must equal shared/reference/tencentcloud-sdk-v0.2.3.json
// ("types" section); test/tencentcloud-binding.test.ts checks the emitted declarations.
Object.defineProperty(exports, "__esModule", { value: true });
