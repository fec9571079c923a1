/**
 * `@weft/plugin-http/nest`: the `http` step type for Nest hosts. Import `HttpStepTypeModule` into
 * the app (or give it to `WeftModule.forRoot({ plugins })`); the server finds `HttpStepType` at
 * bootstrap. Needs `@nestjs/common` and `@weft/nest` (optional peer dependencies of this package).
 */
export { HttpStepType, HttpStepTypeModule } from './http-step-type.module.js';
