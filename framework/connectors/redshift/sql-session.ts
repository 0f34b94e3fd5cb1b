/**
 * A read-write SQL session on a Redshift source, for an experiment that runs in it
 * (`warehouse`), in the Redshift experiment dialect: the PostgreSQL protocol session, with
 * the search path and UTC set by statements on each connection (Redshift takes no startup
 * options) and a SUPER column described as JSON (the dialect serializes it with
 * JSON_SERIALIZE). Redshift runs DDL inside transactions, so a run is one transaction.
 */
import type { RedshiftSource } from '../../config/types.js';
import { openPgSqlSession, type PgFlavour } from '../postgres/sql-session.js';
import { logicalTypeOf } from '../postgres/values.js';
import type { ConnectorContext, SqlSession, SqlSessionOptions } from '../types.js';

/** Redshift's type oid of SUPER (its semi-structured type), as its drivers list it. */
const SUPER_OID = 4000;

const REDSHIFT: PgFlavour = {
  kind: 'redshift',
  startup: 'statements',
  typeOf: (oid) => (oid === SUPER_OID ? 'json' : logicalTypeOf(oid)),
};

export function openRedshiftSqlSession(
  config: RedshiftSource,
  context: ConnectorContext,
  options: SqlSessionOptions,
): Promise<SqlSession> {
  return openPgSqlSession({ config, context, options, flavour: REDSHIFT });
}
