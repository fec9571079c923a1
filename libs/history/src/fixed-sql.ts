import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** What a fixed statement is written with: this data source's quoting, names and placeholders. */
export interface SqlNames {
  /** The entity's table, quoted (with its schema where it has one). */
  table(entity: EntityTarget<ObjectLiteral>): string;
  /** The column of an entity's property, quoted. */
  column<E extends ObjectLiteral>(entity: EntityTarget<E>, property: keyof E & string): string;
  /** A quoted name (an alias). */
  name(text: string): string;
  /** The n-th parameter (1-based): `?` in SQLite, `$n` in PostgreSQL. */
  at(n: number): string;
}

/**
 * A statement for the history's hot writes, written once per data source from the entities'
 * metadata: TypeORM's query builders cost more main-thread time than the writes themselves.
 * Parameters are positional; in SQLite every `at(n)` is a `?`, so pass them in the order they appear.
 */
export function fixedStatement(write: (sql: SqlNames) => string): (manager: EntityManager) => string {
  const written = new WeakMap<object, string>();
  return (manager) => {
    const source = manager.connection;
    let text = written.get(source);
    if (text === undefined) {
      text = write(sqlNames(source));
      written.set(source, text);
    }
    return text;
  };
}

/** This data source's quoting, names and placeholders. */
function sqlNames(source: DataSource): SqlNames {
  const name = (part: string) => source.driver.escape(part);
  const postgres = source.driver.options.type === 'postgres';
  return {
    table: (entity) => source.getMetadata(entity).tablePath.split('.').map(name).join('.'),
    column: (entity, property) => name(source.getMetadata(entity).findColumnWithPropertyName(property)!.databaseName),
    name,
    at: (n) => (postgres ? `$${n}` : '?'),
  };
}

/** Runs a fixed statement in the caller's transaction and returns how many rows it changed. */
export async function changedRows(manager: EntityManager, sql: string, parameters: readonly unknown[]): Promise<number> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('a fixed statement runs inside the caller’s transaction');
  return (await runner.query(sql, [...parameters], true)).affected ?? 0;
}

const updates = new WeakMap<object, Map<string, string>>();

/**
 * Sets `values` (the entity's properties, as it holds them; undefined ones are left out, as
 * TypeORM's `update` does) on the rows of `entity` that match `where`, in the caller's transaction,
 * and returns how many rows changed. Values go through the driver as TypeORM's own update sends
 * them (JSON columns as text, booleans as SQLite integers). The statement is written once per data
 * source and set of properties.
 */
export async function updateRows<E extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<E>,
  where: Partial<E>,
  values: Partial<E>,
): Promise<number> {
  const source = manager.connection;
  const meta = source.getMetadata(entity);
  const setKeys = Object.keys(values).filter((key) => values[key] !== undefined);
  const whereKeys = Object.keys(where);
  const columnOf = (property: string) => {
    const column = meta.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${meta.name} has no column for ${property}`);
    return column;
  };
  const prepare = (property: string, value: unknown) => source.driver.preparePersistentValue(value, columnOf(property));
  const parameters = [...setKeys.map((property) => prepare(property, values[property])), ...whereKeys.map((property) => prepare(property, where[property]))];
  let written = updates.get(source);
  if (!written) updates.set(source, (written = new Map()));
  const key = `${meta.name}\0${setKeys.join(',')}\0${whereKeys.join(',')}`;
  let sql = written.get(key);
  if (sql === undefined) {
    const { table, column, at } = sqlNames(source);
    const set = setKeys.map((property, i) => `${column(entity, property)} = ${at(i + 1)}`);
    const match = whereKeys.map((property, i) => `${column(entity, property)} = ${at(setKeys.length + i + 1)}`);
    sql = `UPDATE ${table(entity)} SET ${set.join(', ')} WHERE ${match.join(' AND ')}`;
    written.set(key, sql);
  }
  return changedRows(manager, sql, parameters);
}
