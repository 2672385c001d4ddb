-- ============================================================================
-- Patient search by name, phone and card number, with pg_trgm.
--
-- Under row-level security the planner must apply the policy before any
-- operator that is not leakproof, so that a function cannot see (and leak)
-- a row the policy would hide. The trigram operators (%, <%, ilike through
-- pg_trgm) are not leakproof: a query by the app role reads every row its
-- policy admits (a whole facility) and filters them one by one, and the
-- trigram indexes below go unused. app.search_patients runs with definer
-- rights instead: it restricts to the current tenant itself, as its first
-- index condition, and lets the trigram index find the matches. Numbers are
-- in docs/database.md, "Patient search".
-- ============================================================================

-- facility_id first (btree_gin), so one index scan stays inside the tenant
create index patients_facility_name_trgm_idx on patients
  using gin (facility_id, full_name extensions.gin_trgm_ops);
-- phones are searched by their digits, whatever the spacing they were typed with
create index patients_facility_phone_trgm_idx on patients
  using gin (facility_id, (regexp_replace(phone, '\D', '', 'g')) extensions.gin_trgm_ops)
  where phone is not null;
-- cards are platform-wide: the match is joined to the tenant's patient rows
create index health_cards_card_number_trgm_idx on health_cards
  using gin (card_number extensions.gin_trgm_ops);

-- ----------------------------------------------------------------------------
-- Search the current facility's patients. Matches
--   names:  word similarity (typos, partial names) or a substring;
--   digits: a substring of the phone or the card number (4 digits or more).
-- At most p_max rows (1 to 100), best first. Clinical fields (blood group,
-- allergies, chronic conditions) only for a user with clinical.read. Nothing
-- without a current tenant the user may see (a super admin must enter one).
-- The query is run by EXECUTE so that it is planned for the values at hand:
-- a generic plan cannot know that a search string is selective.
-- ----------------------------------------------------------------------------
create function app.search_patients(p_query text, p_max integer default 20)
returns table (patient_id uuid, facility_id uuid, registration_number text, full_name text,
               date_of_birth date, sex sex, phone text, card_id uuid, card_number text,
               blood_group text, allergies jsonb, chronic_conditions jsonb, score real)
language plpgsql stable security definer
set search_path = pg_catalog, public, extensions, pg_temp
as $$
declare
  v_tenant uuid := app.current_tenant();
  v_query text := lower(btrim(coalesce(p_query, '')));
  v_digits text := regexp_replace(coalesce(p_query, ''), '\D', '', 'g');
begin
  if v_tenant is null or not (v_tenant = any (app.visible_facilities())) or length(v_query) < 3 then
    return;
  end if;
  return query execute $sql$
    with hits as (
      select p.id, word_similarity($2, p.full_name) as score
      from public.patients p
      where p.facility_id = $1 and ($2 <% p.full_name or p.full_name ilike $3)
      union all
      select p.id, 1
      from public.patients p
      where length($4) >= 4 and p.facility_id = $1 and p.phone is not null
        and regexp_replace(p.phone, '\D', '', 'g') like '%' || $4 || '%'
      union all
      select p.id, 1
      from public.health_cards c
      join public.patients p on p.card_id = c.id and p.facility_id = $1
      where length($4) >= 4 and c.card_number like '%' || $4 || '%'
    ), best as (
      select h.id, max(h.score) as score from hits h group by h.id order by 2 desc, 1 limit $5
    )
    select p.id, p.facility_id, p.registration_number, p.full_name, p.date_of_birth, p.sex, p.phone,
           c.id, c.card_number, k.blood_group, k.allergies, k.chronic_conditions, b.score::real
    from best b
    join public.patients p on p.id = b.id
    left join public.health_cards c on c.id = p.card_id
    left join public.health_card_clinical k on $6 and k.card_id = p.card_id
    order by b.score desc, p.full_name, p.id
  $sql$
  using v_tenant,
        v_query,
        '%' || replace(replace(replace(v_query, '\', '\\'), '%', '\%'), '_', '\_') || '%',
        v_digits,
        least(greatest(coalesce(p_max, 20), 1), 100),
        coalesce(app.has_permission('clinical.read'), false);
end
$$;
revoke all on function app.search_patients(text, integer) from public;
grant execute on function app.search_patients(text, integer) to careledger_app;
alter function app.search_patients(text, integer) owner to careledger_definer;
