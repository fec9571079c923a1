/** Content types a workflow may be sent as YAML (`POST /api/workflows`). */
export const YAML_TYPES: readonly string[] = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** JSON bodies, as the JSON body parser's `type` option reads them: `application/json` and any `+json` type. */
export const JSON_TYPES: readonly string[] = ['application/json', '+json'];

/** The media type of a `Content-Type` header, lower-cased and without parameters; '' when absent. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** True for `application/json` and structured-syntax `+json` types (`application/vnd.x+json`). */
export function isJsonType(mediaType: string): boolean {
  return mediaType === 'application/json' || /^[a-z0-9!#$&^_.-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(mediaType);
}

/** True for the YAML types of {@link YAML_TYPES}. */
export function isYamlType(mediaType: string): boolean {
  return YAML_TYPES.includes(mediaType);
}
