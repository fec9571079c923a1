/** A parsed `if:` condition. */
export interface ConditionExpression {
  /** The condition as written. */
  readonly source: string;
  /** Its syntax tree. */
  readonly ast: ExpressionNode;
}

export type ExpressionNode =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  /** `steps.<id>.status` or `steps.<id>.outputs[.<key>…]`; `path` starts after `steps.<id>`. */
  | { readonly kind: 'reference'; readonly stepId: string; readonly path: readonly string[] }
  | { readonly kind: 'not'; readonly operand: ExpressionNode }
  | {
      readonly kind: 'binary';
      readonly operator: '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';
      readonly left: ExpressionNode;
      readonly right: ExpressionNode;
    };
