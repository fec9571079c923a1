import { type CodeReferenceHintInput, defaultCodeReferenceHint, type StepTypeHandler } from '../step-type/step-type';
import type { IssueList } from './issue-list';
import { type ReferenceToken, scanReferences } from './references';
import type { PathSegment } from './source-map';
import { listNames } from './suggest';

/** What a step's references are checked against. */
export interface ReferenceRules {
  readonly issues: IssueList;
  /** Every valid step id of the workflow → index of the step that declares it. */
  readonly stepIds: ReadonlyMap<string, number>;
  /** The id of the step being checked, when it has a valid one. */
  readonly selfId?: string;
  /** The step has `foreach`, so `${item}` and `${index}` are available. */
  readonly inForeach: boolean;
  /** The step's type, when known: its `codeReferenceHint` says how to fix a reference in code. */
  readonly handler?: Pick<StepTypeHandler<any>, 'codeReferenceHint'>;
}

/**
 * How a value's strings are read: `value` resolves references; `code` is run as code (references
 * forbidden, shell `${VAR}` allowed); `foreach` is the fan-out list itself (no `${item}` there);
 * `static` is passed as is (the workflow's own `env`).
 */
export type ReferenceMode = 'value' | 'code' | 'foreach' | 'static';

/** Checks that a step id named at `path` exists and is not the step itself. */
export function checkStepId(
  stepId: string,
  path: readonly PathSegment[],
  rules: ReferenceRules,
  inText?: string,
): boolean {
  const where = inText ? ` in ${inText}` : '';
  if (stepId === rules.selfId) {
    rules.issues.add(path, `step '${stepId}' cannot depend on itself${where}`);
  } else if (!rules.stepIds.has(stepId)) {
    const known = rules.stepIds;
    rules.issues.add(
      path,
      `unknown step '${stepId}'${where}${rules.issues.suggestions.didYouMean(stepId, known)}; known steps: ${listNames(known.keys(), 20, known.size)}`,
    );
  } else {
    return true;
  }
  return false;
}

/**
 * Checks every `${…}` in the strings (and keys) of `value`, reporting each problem at its path.
 * `path` is extended and restored in place while walking (documents nest at most 64 deep).
 */
export function checkReferences(
  value: unknown,
  path: PathSegment[],
  mode: ReferenceMode,
  rules: ReferenceRules,
  field = String(path[path.length - 1]),
): void {
  if (typeof value === 'string') {
    if (value.includes('${')) scanReferences(value, (token) => checkToken(token, path, mode, rules, field));
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      checkReferences(value[i], path, mode, rules, field);
      path.pop();
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      path.push(key);
      if (key.includes('${')) checkKey(key, path, rules);
      checkReferences((value as Record<string, unknown>)[key], path, mode, rules, field);
      path.pop();
    }
  }
}

function checkKey(key: string, path: PathSegment[], rules: ReferenceRules): void {
  let reported = false;
  scanReferences(key, (token) => {
    if (reported || (token.kind === 'malformed' && !token.weftLike)) return;
    reported = true;
    rules.issues.add(path, `references are allowed only in string values, not in keys: ${token.text}`, {
      key: true,
    });
  });
}

function checkToken(
  token: ReferenceToken,
  path: PathSegment[],
  mode: ReferenceMode,
  rules: ReferenceRules,
  field: string,
): void {
  if (mode === 'code') {
    checkCodeToken(token, path, rules, field);
    return;
  }
  if (mode === 'static') {
    if (token.kind !== 'malformed' || token.weftLike) {
      rules.issues.add(
        path,
        `references are not allowed in the workflow's env (${token.text}); set it in a step's env instead`,
      );
    }
    return;
  }
  switch (token.kind) {
    case 'step':
      checkStepId(token.stepId, path, rules, token.text);
      return;
    case 'item':
    case 'index':
      if (mode === 'foreach') {
        rules.issues.add(
          path,
          `${token.text} cannot be used in foreach itself: the list must come from another step or be written out`,
        );
      } else if (!rules.inForeach) {
        rules.issues.add(path, `${token.text} is only available in a step with foreach`);
      }
      return;
    case 'malformed':
      rules.issues.add(path, token.reason);
      return;
  }
}

function checkCodeToken(
  token: ReferenceToken,
  path: PathSegment[],
  rules: ReferenceRules,
  field: string,
): void {
  if (token.kind === 'item' || token.kind === 'index') {
    // Outside foreach `${item}` is just a shell variable.
    if (rules.inForeach) {
      rules.issues.add(
        path,
        `'${field}' is code, so ${token.text} is not substituted there: read the item from the WEFT_ITEM ` +
          'environment variable (JSON) and the index from WEFT_INDEX',
      );
    }
    return;
  }
  if (token.kind === 'malformed' && !token.weftLike) return; // a shell `${VAR}`
  const hintInput = { field, reference: token.text, inputName: inputName(token) };
  rules.issues.add(path, `'${field}' is code, so references are not allowed there (${token.text}): ${codeHint(rules, hintInput)}`);
}

/**
 * The step type's own hint (on one line, like every validation message), or the default when it has
 * none, or its hook throws or returns no text.
 */
function codeHint(rules: ReferenceRules, input: CodeReferenceHintInput): string {
  const hook = rules.handler?.codeReferenceHint;
  if (typeof hook === 'function') {
    try {
      const hint = hook.call(rules.handler, input);
      if (typeof hint === 'string' && hint.trim() !== '') return hint.trim().replace(/\s+/g, ' ');
    } catch {
      // a plugin's broken hint must not break validation: fall back to the default
    }
  }
  return defaultCodeReferenceHint(input);
}

function inputName(token: ReferenceToken): string {
  const last =
    token.kind === 'step'
      ? token.path.length > 1
        ? token.path[token.path.length - 1]
        : token.stepId
      : 'value';
  const name = last.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `value_${name}`;
}
