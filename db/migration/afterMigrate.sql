-- ============================================================================
-- Flyway callback: runs after every migrate, in its own transaction.
--
-- Migrations run as careledger_migrator (db/setup/roles.sql), so what they
-- create belongs to the migrator until here: every object the migrator owns
-- in this database (schemas, tables, partitions, types, sequences, views,
-- functions, the extensions, Flyway's history table) now belongs to
-- careledger_owner. Objects handed to careledger_definer keep that owner.
-- Nothing stays owned by a role that can log in.
--
-- Schemas first: the new owner of an object must be able to create in its
-- schema, and REASSIGN OWNED takes objects in no particular order.
-- ============================================================================
do $$
declare
  v_schema name;
begin
  for v_schema in select nspname from pg_namespace where nspowner = 'careledger_migrator'::regrole loop
    execute format('alter schema %I owner to careledger_owner', v_schema);
  end loop;
end
$$;
reassign owned by careledger_migrator to careledger_owner;
