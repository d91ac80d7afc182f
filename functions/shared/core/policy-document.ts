/**
 * IAM policy documents as AWS hands them to us.
 *
 * Config and IAM deliver documents URL-encoded (`%7B%22Version...`); CloudFormation, SDK mocks and
 * some tools' samples hold them as objects. Single values may be a string or a list. This module
 * turns all of that into one normalised shape, so no other module has to care.
 */
import { isRecord } from './validation';
import { InputError } from '../errors';

export class PolicyDocumentError extends InputError {
  override name = 'PolicyDocumentError';
}

export type Effect = 'Allow' | 'Deny';

/** A principal block: `"*"` or a map from principal type (Service, AWS, Federated, ...) to values. */
export type Principal = '*' | Record<string, string[]>;

export interface Statement {
  /** The statement's Sid, or its position (`#0`, `#1`, ...) when it has none. */
  readonly label: string;
  readonly effect: Effect;
  readonly action?: string[];
  readonly notAction?: string[];
  readonly resource?: string[];
  readonly notResource?: string[];
  readonly principal?: Principal;
  readonly notPrincipal?: Principal;
  /** Operator -> condition key -> values, with keys as written. */
  readonly condition: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  readonly statements: Statement[];
}

/** Parses a document that may be URL-encoded JSON, plain JSON, or an already-parsed object. */
export function parsePolicyDocument(raw: unknown): PolicyDocument {
  const document = typeof raw === 'string' ? parseJsonText(raw) : raw;
  if (!isRecord(document)) {
    throw new PolicyDocumentError('policy document is not a JSON object');
  }
  const statementField = field(document, 'Statement');
  if (statementField === undefined) {
    throw new PolicyDocumentError('policy document has no Statement');
  }
  const rawStatements = Array.isArray(statementField) ? statementField : [statementField];
  return { statements: rawStatements.map((s, index) => parseStatement(s, index)) };
}

function parseJsonText(text: string): unknown {
  const trimmed = text.trim();
  // A JSON document starts with `{`; anything else is taken as URL-encoded, as Config sends it.
  const json = trimmed.startsWith('{') ? trimmed : decode(trimmed);
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new PolicyDocumentError(`policy document is not valid JSON: ${(error as Error).message}`);
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new PolicyDocumentError('policy document is neither JSON nor valid URL-encoded JSON');
  }
}

function parseStatement(raw: unknown, index: number): Statement {
  if (!isRecord(raw)) {
    throw new PolicyDocumentError(`statement #${index} is not an object`);
  }
  const sid = field(raw, 'Sid');
  const label = typeof sid === 'string' && sid !== '' ? sid : `#${index}`;
  const effect = String(field(raw, 'Effect') ?? '').toLowerCase();
  if (effect !== 'allow' && effect !== 'deny') {
    throw new PolicyDocumentError(
      `statement ${label} has Effect ${JSON.stringify(field(raw, 'Effect'))}, expected Allow or Deny`,
    );
  }
  return {
    label,
    effect: effect === 'allow' ? 'Allow' : 'Deny',
    action: optionalList(raw, 'Action', label),
    notAction: optionalList(raw, 'NotAction', label),
    resource: optionalList(raw, 'Resource', label),
    notResource: optionalList(raw, 'NotResource', label),
    principal: optionalPrincipal(raw, 'Principal', label),
    notPrincipal: optionalPrincipal(raw, 'NotPrincipal', label),
    condition: parseCondition(field(raw, 'Condition'), label),
  };
}

function optionalList(statement: Record<string, unknown>, key: string, label: string): string[] | undefined {
  const value = field(statement, key);
  return value === undefined ? undefined : toStringList(value, `${label}.${key}`);
}

function optionalPrincipal(statement: Record<string, unknown>, key: string, label: string): Principal | undefined {
  const value = field(statement, key);
  if (value === undefined) return undefined;
  if (value === '*') return '*';
  if (!isRecord(value)) {
    throw new PolicyDocumentError(`statement ${label} has a ${key} that is neither "*" nor an object`);
  }
  const principal: Record<string, string[]> = {};
  for (const [type, values] of Object.entries(value)) {
    principal[type] = toStringList(values, `${label}.${key}.${type}`);
  }
  return principal;
}

function parseCondition(value: unknown, label: string): Statement['condition'] {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    throw new PolicyDocumentError(`statement ${label} has a Condition that is not an object`);
  }
  const condition: Statement['condition'] = {};
  for (const [operator, entries] of Object.entries(value)) {
    if (!isRecord(entries)) {
      throw new PolicyDocumentError(`statement ${label} condition ${operator} is not an object`);
    }
    condition[operator] = {};
    for (const [key, values] of Object.entries(entries)) {
      condition[operator][key] = toStringList(values, `${label}.Condition.${operator}.${key}`);
    }
  }
  return condition;
}

function toStringList(value: unknown, where: string): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new PolicyDocumentError(`${where} holds a value that is not a string`);
  });
}

/** Policy grammar keys are case-insensitive (`effect`, `EFFECT`), so look them up that way. */
function field(record: Record<string, unknown>, key: string): unknown {
  if (key in record) return record[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(record)) {
    if (k.toLowerCase() === lower) return v;
  }
  return undefined;
}

/**
 * IAM wildcard matching: `*` is any run of characters, `?` is one. Case-insensitive by default, as
 * IAM compares actions and service principals; resource ARNs compare case-sensitively.
 */
export function wildcardMatches(pattern: string, value: string, options: { caseSensitive?: boolean } = {}): boolean {
  const p = options.caseSensitive ? pattern : pattern.toLowerCase();
  const v = options.caseSensitive ? value : value.toLowerCase();
  // Iterative glob match with single-star backtracking: linear in practice, no regex compilation.
  let pi = 0;
  let vi = 0;
  let starPi = -1;
  let starVi = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === '*') {
      starPi = pi++;
      starVi = vi;
    } else if (starPi !== -1) {
      pi = starPi + 1;
      vi = ++starVi;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** Whether a statement's Action / NotAction covers the given action. */
export function statementCoversAction(statement: Statement, action: string): boolean {
  if (statement.action) return statement.action.some((pattern) => wildcardMatches(pattern, action));
  if (statement.notAction) return !statement.notAction.some((pattern) => wildcardMatches(pattern, action));
  return false;
}

/** Whether a principal block names the given service principal (or everyone). */
export function principalNamesService(principal: Principal, service: string): boolean {
  if (principal === '*') return true;
  for (const [type, values] of Object.entries(principal)) {
    if (type.toLowerCase() === 'service' && values.some((v) => v.toLowerCase() === service.toLowerCase())) {
      return true;
    }
    if (type.toLowerCase() === 'aws' && values.includes('*')) {
      // IAM reads `{"AWS": "*"}` as it reads `"*"`: every principal, anonymous ones included.
      return true;
    }
  }
  return false;
}

/** Whether a statement applies to the given service principal, honouring NotPrincipal. */
export function statementAppliesToService(statement: Statement, service: string): boolean {
  if (statement.principal) return principalNamesService(statement.principal, service);
  if (statement.notPrincipal) return !principalNamesService(statement.notPrincipal, service);
  return false;
}

export function hasConditions(statement: Statement): boolean {
  return Object.keys(statement.condition).length > 0;
}
