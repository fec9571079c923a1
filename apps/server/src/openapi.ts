import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject } from '@nestjs/swagger';
import { WeftApiModules, WeftOpenApi } from './docs/docs.controller.js';

const DESCRIPTION = `Run workflows of steps as a dependency graph: REST + Server-Sent Events.

Every error is answered as \`{ statusCode, error, details? }\` (\`ErrorDto\`); \`details\` lists each
problem of an invalid request with its path (and line and column in the document, when known).

With a token (\`WEFT_API_TOKEN\`) set, every \`/api\` route, this document included, needs
\`Authorization: Bearer <token>\`; without one no route needs it. The server answers only the
\`Host\` names it is meant to be reached by (421 otherwise), refuses state-changing requests from
a foreign \`Origin\` (403) and takes request bodies only as JSON or YAML (415 otherwise).

The list endpoints page: they return a JSON array, newest first, and when there is more they send
\`X-Next-Cursor\` and \`Link: <…>; rel="next"\` for the next page.`;

/** The OpenAPI document of the Weft routes mounted in `app` (as served at `<path>/api/docs-json`). */
export function createWeftOpenApiDocument(app: INestApplication): OpenAPIObject {
  return app.get(WeftOpenApi).document(app.get(WeftApiModules).modules);
}

/** Title, description, tags and security scheme of Weft's OpenAPI document. */
export function weftDocumentConfig(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('Weft')
    .setDescription(DESCRIPTION)
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'The server that serves this document')
    .addTag('health', 'Liveness and database check')
    .addTag('step-types', 'The registered step types (built in and plugins)')
    .addTag('workflows', 'Validate, store and read workflow documents')
    .addTag('runs', 'Start, follow, cancel and retry runs; the execution history')
    .addSecurity('bearer', {
      type: 'http',
      scheme: 'bearer',
      description: 'The server token (WEFT_API_TOKEN), an opaque string. Needed only when the server has one.',
    })
    .build();
}
