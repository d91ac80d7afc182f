/**
 * CloudFormation intrinsics read the way IAM will see their result, for checks that run before
 * anything is deployed. What a template cannot know (a parameter, an import, the region) is
 * whatever the caller says an unknown value reads as, and is recorded so findings can name it.
 * Conditions are not evaluated: a conditional list entry (`!If [cond, statement, !Ref AWS::NoValue]`)
 * contributes both branches, and a conditional value takes the branch the caller asks for, so
 * resolving with branch 1 and then branch 2 sees every branch.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
 */

/** How a resolution reads what the template leaves open. */
export interface IntrinsicValues {
  /** `Ref` of a parameter, a resource or a pseudo parameter. */
  ref(name: string): string;
  /** `Fn::GetAtt` of a resource attribute. */
  getAtt(logicalId: string, attribute: string): string;
  /** Any other intrinsic (`Fn::ImportValue`, `Fn::FindInMap`, ...), by its key. */
  other(key: string, argument: unknown): unknown;
  /** Which branch of an `Fn::If` whose value is not a list entry. */
  readonly branch: 1 | 2;
}

export function resolveIntrinsics(value: unknown, values: IntrinsicValues): unknown {
  if (Array.isArray(value))
    return value.flatMap((v) => conditionalBranches(v)).map((v) => resolveIntrinsics(v, values));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, argument] = entries[0]!;
    // AWS::NoValue removes the property it is the value of.
    if (key === 'Ref') return argument === 'AWS::NoValue' ? undefined : values.ref(String(argument));
    if (key === 'Fn::GetAtt') {
      const [logicalId, attribute] = (typeof argument === 'string' ? argument.split('.') : argument) as [
        string,
        string,
      ];
      return values.getAtt(logicalId, attribute);
    }
    if (key === 'Fn::Sub') {
      const [text, variables = {}] = (Array.isArray(argument) ? argument : [argument]) as [
        string,
        Record<string, unknown>?,
      ];
      return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
        if (name in variables) return String(resolveIntrinsics(variables[name], values));
        const dot = name.indexOf('.');
        return dot > 0 ? values.getAtt(name.slice(0, dot), name.slice(dot + 1)) : values.ref(name);
      });
    }
    if (key === 'Fn::Join') {
      const [separator, parts] = argument as [string, unknown];
      const resolved = resolveIntrinsics(parts, values);
      return Array.isArray(resolved) ? resolved.map(String).join(separator) : values.other(key, argument);
    }
    if (key === 'Fn::If') return resolveIntrinsics((argument as unknown[])[values.branch], values);
    if (key.startsWith('Fn::')) return values.other(key, argument);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, values)]));
}

/** A list entry under `Fn::If`: both branches, without `AWS::NoValue`. */
export function conditionalBranches(value: unknown): unknown[] {
  if (typeof value !== 'object' || value === null || !('Fn::If' in value)) return [value];
  const [, whenTrue, whenFalse] = (value as { 'Fn::If': unknown[] })['Fn::If'];
  const isNoValue = (v: unknown) =>
    typeof v === 'object' && v !== null && (v as { Ref?: unknown }).Ref === 'AWS::NoValue';
  return [whenTrue, whenFalse].flatMap((branch) => (isNoValue(branch) ? [] : conditionalBranches(branch)));
}
