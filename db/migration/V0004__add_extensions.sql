-- ============================================================================
-- Extensions, all in the extensions schema (never generated into jOOQ code).
--   uuid-ossp   uuid_generate_v4() for callers that expect it (ids default to
--               core gen_random_uuid())
--   pg_trgm     trigram search by name, phone and card number
--   btree_gin   facility_id inside GIN indexes next to jsonb and trigrams
--   btree_gist  facility/staff equality inside the no-double-booking
--               exclusion constraint of appointments
-- All four are trusted extensions: the database owner creates them.
-- pg_partman and timescaledb are optional: created here when the server offers
-- them and the owner may create them, skipped otherwise (the embedded server
-- has neither). The app logs which ones it found at start-up.
-- ============================================================================

create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pg_trgm with schema extensions;
create extension if not exists btree_gin with schema extensions;
create extension if not exists btree_gist with schema extensions;

do $$
declare
  ext text;
begin
  foreach ext in array array['pg_partman', 'timescaledb'] loop
    if exists (select 1 from pg_available_extensions where name = ext) then
      begin
        execute format('create extension if not exists %I with schema extensions', ext);
      exception when others then
        raise notice 'extension % is available but could not be created here: %', ext, sqlerrm;
      end;
    end if;
  end loop;
end
$$;
