-- One line per catalog fact of the CareLedger schemas (app, audit_seal, public), normalised so that two databases migrated
-- on different days compare equal: monthly partitions lose their dates, and lines are sorted. Run as a superuser.
with ns as (
  select oid, nspname from pg_namespace where nspname in ('app', 'audit_seal', 'public')
), rel as (
  select c.*, n.nspname from pg_class c join ns n on n.oid = c.relnamespace
  where c.relname <> 'flyway_schema_history' and c.relname not like 'flyway_schema_history%'
), facts(line) as (
  select format('schema %s owner=%s acl=%s', n.nspname, pg_get_userbyid(n.nspowner), (select string_agg(x::text, ',' order by x::text) from unnest(n.nspacl) x))
  from pg_namespace n where n.nspname in ('app', 'audit_seal', 'public')
  union all
  select format('extension %s', e.extname) from pg_extension e
  union all
  select format('type %s.%s kind=%s owner=%s acl=%s %s', n.nspname, t.typname, t.typtype, pg_get_userbyid(t.typowner), (select string_agg(x::text, ',' order by x::text) from unnest(t.typacl) x),
                case t.typtype when 'e' then (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid)
                               when 'd' then format_type(t.typbasetype, t.typtypmod) || coalesce(' ' || (select string_agg(pg_get_constraintdef(k.oid), ' ' order by k.conname) from pg_constraint k where k.contypid = t.oid), '') end)
  from pg_type t join ns n on n.oid = t.typnamespace
  where t.typtype in ('e', 'd') or (t.typtype = 'c' and not exists (select 1 from pg_class c where c.oid = t.typrelid and c.relkind <> 'c'))
  union all
  select format('relation %s.%s kind=%s owner=%s rls=%s forced=%s acl=%s options=%s partkey=%s bound=%s parent=%s comment=%s',
                r.nspname, r.relname, r.relkind, pg_get_userbyid(r.relowner), r.relrowsecurity, r.relforcerowsecurity, (select string_agg(x::text, ',' order by x::text) from unnest(r.relacl) x),
                r.reloptions, case when r.relkind = 'p' then pg_get_partkeydef(r.oid) end,
                pg_get_expr(r.relpartbound, r.oid), (select i.inhparent::regclass::text from pg_inherits i where i.inhrelid = r.oid),
                obj_description(r.oid, 'pg_class'))
  from rel r where r.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c')
  union all
  select format('column %s.%s.%s #%s %s notnull=%s default=%s identity=%s generated=%s acl=%s comment=%s', r.nspname, r.relname, a.attname, a.attnum,
                format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                (select string_agg(x::text, ',' order by x::text) from unnest(a.attacl) x), col_description(r.oid, a.attnum))
  from rel r join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where r.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
  union all
  select format('constraint %s.%s %s %s', r.nspname, r.relname, k.conname, pg_get_constraintdef(k.oid))
  from pg_constraint k join rel r on r.oid = k.conrelid
  union all
  select format('index %s', pg_get_indexdef(i.indexrelid))
  from pg_index i join rel r on r.oid = i.indrelid
  union all
  select format('policy %s.%s %s cmd=%s permissive=%s roles=%s using=%s check=%s', r.nspname, r.relname, p.polname, p.polcmd,
                p.polpermissive, (select string_agg(case when x = 0 then 'public' else pg_get_userbyid(x) end, ',' order by 1) from unnest(p.polroles) x),
                pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
  from pg_policy p join rel r on r.oid = p.polrelid
  union all
  select format('trigger %s', pg_get_triggerdef(t.oid))
  from pg_trigger t join rel r on r.oid = t.tgrelid where not t.tgisinternal
  union all
  select format('view %s.%s %s', r.nspname, r.relname, pg_get_viewdef(r.oid))
  from rel r where r.relkind in ('v', 'm')
  union all
  select format('function %s owner=%s kind=%s lang=%s definer=%s volatility=%s leakproof=%s strict=%s parallel=%s config=%s acl=%s returns=%s comment=%s body=%s',
                p.oid::regprocedure, pg_get_userbyid(p.proowner), p.prokind, l.lanname, p.prosecdef, p.provolatile, p.proleakproof,
                p.proisstrict, p.proparallel, p.proconfig, (select string_agg(x::text, ',' order by x::text) from unnest(p.proacl) x), pg_get_function_result(p.oid), obj_description(p.oid, 'pg_proc'),
                regexp_replace(regexp_replace(btrim(p.prosrc, E' \n\t'), '[ \t]+\n', E'\n', 'g'), '\s*--[^\n]*', '', 'g'))
  from pg_proc p join ns n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
  where not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
  union all
  select format('rows %s.%s %s', r.nspname, r.relname,
                (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I', r.nspname, r.relname), false, true, '')))[1]::text)
  from rel r where r.relkind in ('r', 'p') and not r.relispartition
  union all
  select format('default-acl %s %s %s %s', pg_get_userbyid(d.defaclrole), d.defaclnamespace::regnamespace, d.defaclobjtype, (select string_agg(x::text, ',' order by x::text) from unnest(d.defaclacl) x))
  from pg_default_acl d
)
select regexp_replace(regexp_replace(replace(line, E'\n', '\n'), '_p[0-9]{8}', '_pYYYYMMDD', 'g'),
                      '''[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9:+]+)?''', '''<date>''', 'g') as line
from facts order by 1;
