-- ============================================================================
-- Health-card analytics (issue 5, first part): how many of a facility's
-- patients (and of a facility category's) have a chronic condition, an
-- allergy, or an insurer or scheme, counted through the GIN indexes of V0010
-- (containment: chronic_conditions @> '[{"code": "E11"}]').
--
-- Clinical records are closed to admins (minimum necessary, V0010), so these
-- are definer functions that return only counts, filtered by
-- app.reporting_facilities(), and suppress small numbers: a count from 1 to 4
-- is returned as null and shown as '<5', so no figure singles out a patient
-- (0 is shown: it identifies nobody). Each person counts once per facility
-- and once per category (distinct cards), whatever the number of matching
-- entries on the card.
-- ============================================================================

-- The suppression rule, in one place.
create function app.suppressed_count(p_count bigint) returns bigint
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select case when p_count between 1 and 4 then null else p_count end
$$;
create function app.suppressed_label(p_count bigint) returns text
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
  select case when p_count between 1 and 4 then '<5' else p_count::text end
$$;
revoke all on function app.suppressed_count(bigint), app.suppressed_label(bigint) from public;
grant execute on function app.suppressed_count(bigint), app.suppressed_label(bigint) to careledger_app, careledger_definer;
comment on function app.suppressed_count(bigint) is 'A patient count safe to show: null when 1 to 4 (small-number suppression).';
comment on function app.suppressed_label(bigint) is 'A patient count as shown: ''<5'' when 1 to 4, else the number.';

-- ----------------------------------------------------------------------------
-- The counting, shared by the three report functions: for each value, the
-- cards of the caller's facilities' patients whose p_column contains
-- [{p_key: value}] (or [{p_key2: value}]). p_column and the keys are fixed by
-- the callers below, never user input. With no values given, the values
-- present on those cards are counted. One row per facility and value
-- (scope 'facility') and per category and value (scope 'category'), with the
-- cohort (patients with a card) beside it.
-- ----------------------------------------------------------------------------
create function app.health_card_prevalence(p_table text, p_column text, p_key text, p_key2 text, p_values text[])
returns table (scope text, facility_id uuid, category facility_type, item text,
               patients bigint, patients_shown text, cohort bigint, cohort_shown text)
language plpgsql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
declare
  v_facilities uuid[] := app.reporting_facilities();
  v_keys text[] := array_remove(array[p_key, p_key2], null);
  v_values text[] := p_values;
  v_card text;
  v_contains text;
begin
  if p_table not in ('health_card_clinical', 'health_cards')
     or p_column not in ('chronic_conditions', 'allergies', 'insurance') then
    raise exception 'no health-card analytics over %.%', p_table, p_column using errcode = 'invalid_parameter_value';
  end if;
  if cardinality(v_facilities) = 0 then
    return;
  end if;
  -- the card of a clinical row is card_id, of a card row id
  v_card := case p_table when 'health_card_clinical' then 'card_id' else 'id' end;
  -- h.<column> @> [{key: value}] for each key: what the jsonb_path_ops GIN index answers
  select string_agg(format('h.%I @> jsonb_build_array(jsonb_build_object(%L, v.item))', p_column, k), ' or ')
  into v_contains from unnest(v_keys) k;

  if v_values is null then
    execute format(
      'select array(select distinct e ->> k
                    from public.patients p
                    join public.%I h on h.%I = p.card_id
                    cross join lateral jsonb_array_elements(h.%I) e
                    cross join unnest($2::text[]) k
                    where p.facility_id = any ($1) and e ->> k is not null
                    order by 1)',
      p_table, v_card, p_column)
    into v_values using v_facilities, v_keys;
  end if;

  return query execute format($q$
    with cohort as (
      select p.facility_id, f.type as category, p.card_id
      from public.patients p join public.facilities f on f.id = p.facility_id
      where p.facility_id = any ($1) and p.card_id is not null
    ), items as (
      select distinct v.item from unnest($2::text[]) v(item) where v.item is not null
    ), matches as (
      select v.item, h.%2$I as card_id from items v join public.%1$I h on (%3$s)
    ), hits as (
      select distinct c.facility_id, c.category, m.item, c.card_id
      from cohort c join matches m on m.card_id = c.card_id
    ), facilities as (
      select c.facility_id, c.category, count(distinct c.card_id) as cohort_n from cohort c group by 1, 2
    ), categories as (
      select c.category, count(distinct c.card_id) as cohort_n from cohort c group by 1
    ), per_facility as (
      select f.facility_id, f.category, i.item, count(distinct h.card_id) as n, f.cohort_n
      from facilities f cross join items i
      left join hits h on h.facility_id = f.facility_id and h.item = i.item
      group by f.facility_id, f.category, i.item, f.cohort_n
    ), per_category as (
      select g.category, i.item, count(distinct h.card_id) as n, g.cohort_n
      from categories g cross join items i
      left join hits h on h.category = g.category and h.item = i.item
      group by g.category, i.item, g.cohort_n
    )
    select 'facility'::text, x.facility_id, x.category, x.item,
           app.suppressed_count(x.n), app.suppressed_label(x.n),
           app.suppressed_count(x.cohort_n), app.suppressed_label(x.cohort_n)
    from per_facility x
    union all
    select 'category'::text, null::uuid, x.category, x.item,
           app.suppressed_count(x.n), app.suppressed_label(x.n),
           app.suppressed_count(x.cohort_n), app.suppressed_label(x.cohort_n)
    from per_category x
    order by 1 desc, 3, 2, 4$q$,
    p_table, v_card, v_contains)
  using v_facilities, v_values;
end
$$;
revoke all on function app.health_card_prevalence(text, text, text, text, text[]) from public;
alter function app.health_card_prevalence(text, text, text, text, text[]) owner to careledger_definer;
comment on function app.health_card_prevalence(text, text, text, text, text[]) is
  'Counting behind the health-card analytics (not callable by the app): cards of the caller''s report facilities containing each value, per facility and category, suppressed below 5.';

create function app.report_chronic_condition_prevalence(p_codes text[] default null)
returns table (scope text, facility_id uuid, category facility_type, item text,
               patients bigint, patients_shown text, cohort bigint, cohort_shown text)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.health_card_prevalence('health_card_clinical', 'chronic_conditions', 'code', null, p_codes)
$$;
create function app.report_allergy_prevalence(p_substances text[] default null)
returns table (scope text, facility_id uuid, category facility_type, item text,
               patients bigint, patients_shown text, cohort bigint, cohort_shown text)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.health_card_prevalence('health_card_clinical', 'allergies', 'substance', null, p_substances)
$$;
create function app.report_insurance_mix(p_insurers text[] default null)
returns table (scope text, facility_id uuid, category facility_type, item text,
               patients bigint, patients_shown text, cohort bigint, cohort_shown text)
language sql stable security definer
set search_path = pg_catalog, public, pg_temp
as $$
  select * from app.health_card_prevalence('health_cards', 'insurance', 'insurer', 'scheme', p_insurers)
$$;
revoke all on function app.report_chronic_condition_prevalence(text[]), app.report_allergy_prevalence(text[]),
                       app.report_insurance_mix(text[]) from public;
grant execute on function app.report_chronic_condition_prevalence(text[]), app.report_allergy_prevalence(text[]),
                          app.report_insurance_mix(text[]) to careledger_app;
alter function app.report_chronic_condition_prevalence(text[]) owner to careledger_definer;
alter function app.report_allergy_prevalence(text[]) owner to careledger_definer;
alter function app.report_insurance_mix(text[]) owner to careledger_definer;
comment on function app.report_chronic_condition_prevalence(text[]) is
  'Patients with each chronic condition (ICD-10 code; all present when null) per facility and per category the caller may report on, through the GIN index; counts 1-4 suppressed.';
comment on function app.report_allergy_prevalence(text[]) is
  'Patients with each allergy (substance; all present when null) per facility and per category the caller may report on, through the GIN index; counts 1-4 suppressed.';
comment on function app.report_insurance_mix(text[]) is
  'Patients with each insurer or scheme (all present when null) per facility and per category the caller may report on, through the GIN index; counts 1-4 suppressed.';
