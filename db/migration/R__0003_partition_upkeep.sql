-- ============================================================================
-- Partition upkeep: monthly range partitions made ahead: functions, trigger functions and views.
--
-- Repeatable: Flyway runs this file again whenever it changes, so every
-- statement here can run twice (create or replace, grants, comments).
-- Tables, types and policies of the area are in V0003__partition_upkeep.sql.
-- ============================================================================

-- Today in India: the business date partition bounds are counted from.
create or replace function app.ist_today() returns date
language sql stable
set search_path = pg_catalog
as $$
  select (now() at time zone 'Asia/Kolkata')::date
$$;
comment on function app.ist_today() is 'The current date in India (Asia/Kolkata).';

-- The single RANGE key column of a partitioned table and its type, or no row.
create or replace function app.partition_key(p_parent regclass, out key_column name, out key_type regtype)
language sql stable
set search_path = pg_catalog
as $$
  select a.attname, a.atttypid::regtype
  from pg_partitioned_table p
  join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
  where p.partrelid = p_parent and p.partstrat = 'r' and p.partnatts = 1
$$;

-- A range bound for the IST month that starts on p_month, as a SQL literal of
-- the key's type. timestamptz bounds are written in UTC with their offset, so
-- they mean midnight IST whatever the session's time zone.
create or replace function app.month_bound_literal(p_key_type regtype, p_month date) returns text
language sql immutable
set search_path = pg_catalog
as $$
  select case
    when p_key_type = 'date'::regtype
      then quote_literal(to_char(p_month, 'YYYY-MM-DD'))
    when p_key_type = 'timestamptz'::regtype
      then quote_literal(to_char(p_month::timestamp - interval '5 hours 30 minutes', 'YYYY-MM-DD HH24:MI:SS') || '+00')
  end
$$;
comment on function app.month_bound_literal(regtype, date) is
  'Literal of the first instant of an IST month for a date or timestamptz partition key (IST is UTC+05:30 all year).';

-- One day of a range bound as pg_get_expr prints it ('2026-11-01',
-- '2026-11-01 00:00:00+05:30', MINVALUE, MAXVALUE), as an IST date.
create or replace function app.bound_day(p_bound text, p_key_type regtype) returns date
language sql stable
set search_path = pg_catalog
as $$
  select case
    when p_bound is null then null
    when p_bound = 'MINVALUE' then '-infinity'::date
    when p_bound = 'MAXVALUE' then 'infinity'::date
    when p_key_type = 'date'::regtype then btrim(p_bound, '''')::date
    else (btrim(p_bound, '''')::timestamptz at time zone 'Asia/Kolkata')::date
  end
$$;

-- The partitions of a parent with their ranges as IST dates [from_day, to_day).
create or replace function app.range_partitions(p_parent regclass)
returns table (partition regclass, is_default boolean, from_day date, to_day date)
language sql stable
set search_path = pg_catalog
set datestyle = 'ISO, YMD'
set timezone = 'Asia/Kolkata'
as $$
  select c.oid::regclass, b.bound = 'DEFAULT',
         app.bound_day(m.parts[1], k.key_type), app.bound_day(m.parts[2], k.key_type)
  from pg_inherits i
  join pg_class c on c.oid = i.inhrelid
  cross join lateral (select pg_get_expr(c.relpartbound, c.oid) as bound) b
  cross join lateral (select regexp_match(b.bound, '^FOR VALUES FROM \((.+)\) TO \((.+)\)$') as parts) m
  cross join app.partition_key(p_parent) k
  where i.inhparent = p_parent
$$;
comment on function app.range_partitions(regclass) is
  'Partitions of a RANGE-partitioned table with their bounds as IST dates; the default partition has null bounds.';

-- Row-level security on, forced, and no privileges of its own: the rows of a
-- partition are reached through its parent only. Then the parent's hook.
-- Cheap when nothing needs doing (no ALTER TABLE, which would lock).
create or replace function app.secure_partition(p_partition regclass, p_hook regprocedure) returns void
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
  if not exists (select 1 from pg_class c where c.oid = p_partition and c.relrowsecurity) then
    execute format('alter table %s enable row level security', p_partition);
  end if;
  if not exists (select 1 from pg_class c where c.oid = p_partition and c.relforcerowsecurity) then
    execute format('alter table %s force row level security', p_partition);
  end if;
  if exists (select 1 from pg_class c, aclexplode(c.relacl) a
             where c.oid = p_partition and a.grantee <> c.relowner) then
    execute format('revoke all on %s from public, careledger_app, careledger_definer', p_partition);
  end if;
  if p_hook is not null then
    execute format('select %s($1)', p_hook::oid::regproc) using p_partition;
  end if;
end
$$;
revoke all on function app.secure_partition(regclass, regprocedure) from public;

-- ----------------------------------------------------------------------------
-- The routine: for each registered parent (or only p_parent), make sure a
-- default partition exists, make the missing months from months_back before
-- p_as_of through months_ahead after it plus every month that has rows in the
-- default (moving those rows), then secure every partition. Returns what it
-- created. Runs with the rights of its caller: the owner (migrations, and
-- app.maintain_partitions below).
-- ----------------------------------------------------------------------------
create or replace function app.run_partition_upkeep(p_as_of date, p_parent regclass default null)
returns table (parent_table text, partition_name text, from_day date, to_day date, rows_moved bigint)
language plpgsql
set search_path = pg_catalog, pg_temp
set datestyle = 'ISO, YMD'
set timezone = 'Asia/Kolkata'
as $$
declare
  r             record;
  v_key         name;
  v_type        regtype;
  v_schema      name;
  v_relname     name;
  v_default     regclass;
  v_month       date;
  v_new         text;
  v_columns     text;
  v_moved       bigint;
  v_months      date[];
begin
  for r in select t.parent, t.months_ahead, t.months_back, t.partition_hook
           from app.partitioned_tables t
           where p_parent is null or t.parent = p_parent
           order by t.parent::text
  loop
    select k.key_column, k.key_type into v_key, v_type from app.partition_key(r.parent) k;
    if v_key is null or v_type not in ('date'::regtype, 'timestamptz'::regtype) then
      raise exception '% is not RANGE-partitioned on one date or timestamptz column', r.parent;
    end if;
    select n.nspname, c.relname into v_schema, v_relname
    from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = r.parent;
    select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into v_columns
    from pg_attribute a where a.attrelid = r.parent and a.attnum > 0 and not a.attisdropped;

    -- the default partition: always there, so an insert never fails
    select p.partition into v_default from app.range_partitions(r.parent) p where p.is_default;
    if v_default is null then
      execute format('create table %I.%I partition of %s default', v_schema, v_relname || '_default', r.parent);
      v_default := format('%I.%I', v_schema, v_relname || '_default')::regclass;
    end if;

    -- open the default for the owner: forced RLS would hide its rows. Its own
    -- user triggers (audit, refuse-delete) stay quiet while rows move out:
    -- moving a row to its month is not a change of the row.
    execute format('alter table %s no force row level security', v_default);
    execute format('alter table %s disable trigger user', v_default);

    -- the months needed: the window around p_as_of, and every month with rows in the default
    execute format(
      'select array(select m from (
           select (date_trunc(''month'', $1::timestamp) + make_interval(months => g))::date as m
           from generate_series(-$2, $3) g
           union
           select distinct (date_trunc(''month'', (%s)::timestamp))::date from only %s) months
         order by m)',
      case when v_type = 'date'::regtype then quote_ident(v_key)
           else format('%I at time zone %L', v_key, 'Asia/Kolkata') end,
      v_default)
    into v_months
    using p_as_of, r.months_back, r.months_ahead;

    foreach v_month in array v_months loop
      continue when exists (select 1 from app.range_partitions(r.parent) p
                            where not p.is_default
                              and p.from_day < (v_month + interval '1 month')::date
                              and p.to_day > v_month);
      v_new := left(v_relname, 53) || '_p' || to_char(v_month, 'YYYYMMDD');
      -- the month as a plain table first: its rows come out of the default
      -- before it is attached (PostgreSQL refuses a partition whose range has
      -- rows in the default); attaching adds the parent's indexes, foreign
      -- keys and triggers
      execute format('create table %I.%I (like %s including all excluding indexes excluding identity)', v_schema, v_new, r.parent);
      execute format(
        'with moved as (delete from only %1$s where %2$I >= %3$s and %2$I < %4$s returning %5$s)
         insert into %6$I.%7$I (%5$s) select %5$s from moved',
        v_default, v_key, app.month_bound_literal(v_type, v_month),
        app.month_bound_literal(v_type, (v_month + interval '1 month')::date), v_columns, v_schema, v_new);
      get diagnostics v_moved = row_count;
      execute format('alter table %I.%I enable row level security', v_schema, v_new);
      execute format('alter table %I.%I force row level security', v_schema, v_new);
      execute format('alter table %s attach partition %I.%I for values from (%s) to (%s)',
        r.parent, v_schema, v_new, app.month_bound_literal(v_type, v_month),
        app.month_bound_literal(v_type, (v_month + interval '1 month')::date));
      parent_table := r.parent::text;
      partition_name := format('%I.%I', v_schema, v_new);
      from_day := v_month;
      to_day := (v_month + interval '1 month')::date;
      rows_moved := v_moved;
      return next;
    end loop;

    -- close the default again
    execute format('alter table %s enable trigger user', v_default);
    execute format('alter table %s force row level security', v_default);

    perform app.secure_partition(p.partition, r.partition_hook) from app.range_partitions(r.parent) p;
  end loop;
end
$$;
revoke all on function app.run_partition_upkeep(date, regclass) from public;
comment on function app.run_partition_upkeep(date, regclass) is
  'Makes the monthly partitions a registered table needs around a date and drains its default partition; owner only.';

-- pg_partman's schema, when the server has it installed, else null.
create or replace function app.partman_schema() returns name
language sql stable
set search_path = pg_catalog
as $$
  select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_partman'
$$;

-- ----------------------------------------------------------------------------
-- Registration, from a migration (as the owner):
--   select app.register_monthly_partitions('public.audit_log', 3, 1, null);
-- ----------------------------------------------------------------------------
create or replace function app.register_monthly_partitions(
  p_parent        regclass,
  p_months_ahead  integer default 3,
  p_months_back   integer default 1,
  p_hook          regprocedure default null
) returns setof text
language plpgsql
set search_path = pg_catalog, pg_temp
set datestyle = 'ISO, YMD'
set timezone = 'Asia/Kolkata'
as $$
declare
  v_partman name := app.partman_schema();
  v_key name;
  v_type regtype;
  v_today date := app.ist_today();
begin
  select k.key_column, k.key_type into v_key, v_type from app.partition_key(p_parent) k;
  if v_key is null or v_type not in ('date'::regtype, 'timestamptz'::regtype) then
    raise exception '% is not RANGE-partitioned on one date or timestamptz column', p_parent;
  end if;
  insert into app.partitioned_tables (parent, months_ahead, months_back, partition_hook)
  values (p_parent, p_months_ahead, p_months_back, p_hook)
  on conflict (parent) do update
    set months_ahead = excluded.months_ahead, months_back = excluded.months_back,
        partition_hook = excluded.partition_hook;

  if v_partman is not null then
    begin
      execute format('select %I.create_parent(p_parent_table := $1, p_control := $2, p_interval := $3,'
                     ' p_premake := $4, p_start_partition := $5, p_default_table := true, p_jobmon := false)', v_partman)
        using (select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where c.oid = p_parent),
              v_key::text, '1 month', p_months_ahead,
              to_char(date_trunc('month', v_today::timestamp) - make_interval(months => p_months_back), 'YYYY-MM-DD');
      -- under forced RLS pg_partman sees no rows, so it must count from today, not from the newest row
      execute format('update %I.part_config set infinite_time_partitions = true where parent_table = $1', v_partman)
        using (select format('%I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where c.oid = p_parent);
    exception when others then
      raise warning 'pg_partman could not take % (%); the built-in upkeep manages it', p_parent, sqlerrm;
    end;
  end if;

  return query select u.partition_name from app.run_partition_upkeep(v_today, p_parent) u;
end
$$;
revoke all on function app.register_monthly_partitions(regclass, integer, integer, regprocedure) from public;
comment on function app.register_monthly_partitions(regclass, integer, integer, regprocedure) is
  'Puts a table partitioned by month under upkeep and makes its partitions; migrations only (owner).';

-- pg_partman's own maintenance of the registered parents it manages, when the
-- server has pg_partman; nothing otherwise. Its bounds are computed in IST.
create or replace function app.run_partman_maintenance() returns void
language plpgsql
set search_path = pg_catalog, pg_temp
set datestyle = 'ISO, YMD'
set timezone = 'Asia/Kolkata'
as $$
declare
  v_partman name := app.partman_schema();
  v_parent text;
begin
  if v_partman is null then
    return;
  end if;
  for v_parent in select format('%I.%I', n.nspname, c.relname)
                  from app.partitioned_tables t
                  join pg_class c on c.oid = t.parent join pg_namespace n on n.oid = c.relnamespace
                  order by 1
  loop
    begin
      execute format('select %I.run_maintenance(p_parent_table := $1, p_analyze := false, p_jobmon := false)', v_partman)
        using v_parent;
    exception when others then
      raise warning 'pg_partman maintenance of % failed (%); the built-in upkeep continues', v_parent, sqlerrm;
    end;
  end loop;
end
$$;
revoke all on function app.run_partman_maintenance() from public;

-- ----------------------------------------------------------------------------
-- The entry point the app calls, as the partition-upkeep system principal (or
-- the super admin, by hand). Definer rights of the owner, who may run the
-- DDL; the app role itself runs none. Concurrent calls (two app instances)
-- queue on an advisory lock; a lock on a busy table that does not come within
-- lock_timeout fails this run, and the next run tries again (rows meanwhile
-- land in the default partition, which is what it is for).
-- ----------------------------------------------------------------------------
--
-- No SET timezone / datestyle here: the request context is signed over
-- now()::text, so it verifies only under the caller's own settings. The
-- functions called after the check set IST themselves.
create or replace function app.maintain_partitions(p_as_of date default null)
returns table (parent_table text, partition_name text, from_day date, to_day date, rows_moved bigint)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '10s'
as $$
begin
  if not (app.current_user_id() is not distinct from '00000000-0000-4000-8000-000000000001'::uuid
          or app.current_user_role() is not distinct from 'super_admin') then
    raise exception 'only the partition upkeep principal or the super admin maintains partitions'
      using errcode = 'insufficient_privilege';
  end if;
  -- the owner (migrations) calls app.run_partition_upkeep itself; through here, within a year of today
  if p_as_of not between app.ist_today() - 366 and app.ist_today() + 366 then
    raise exception 'partition upkeep runs for a day within a year of today (got %)', p_as_of
      using errcode = 'check_violation';
  end if;
  perform pg_advisory_xact_lock(hashtext('app.maintain_partitions'));

  perform app.run_partman_maintenance();
  return query select * from app.run_partition_upkeep(coalesce(p_as_of, app.ist_today()));
end
$$;
revoke all on function app.maintain_partitions(date) from public;
grant execute on function app.maintain_partitions(date) to careledger_app, careledger_patient;
comment on function app.maintain_partitions(date) is
  'Daily partition upkeep (IST months): makes partitions ahead, drains the default partition; returns what it made.';
-- The owner is no member of the definer (db/setup/roles.sql): it executes
-- only the definer's functions granted to it by name (V0020). Its check of
-- the caller also needs app.context_is_signed (called by app.current_user_id,
-- the owner's), defined in a repeatable file before this one.
grant execute on function app.context_is_signed() to careledger_owner;
