-- ============================================================================
-- Bounds on what the database accepts: amounts within sane maxima, names and
-- free text without control or invisible format characters and within a
-- length, JSON documents within a size. The bounds are written down in
-- docs/ledger.md ("Bounds"); the definer functions that take these values
-- first check the same bounds themselves, with a message for the clerk.
-- ============================================================================

-- ----------------------------------------------------------------------------
-- Clean text, for names and free text (check constraints use it): at most
-- p_max_length characters; no control characters (a multi-line text may hold
-- tab, line feed and carriage return); no invisible format characters: soft
-- hyphen, Arabic letter mark, zero-width space, left-to-right and
-- right-to-left marks, embeddings and overrides (U+202A–U+202E), isolates,
-- word joiner and invisible operators, byte order mark, interlinear
-- annotation marks, tag characters, line and paragraph separators; and not
-- blank: at least one character that is neither white space nor a zero-width
-- joiner or non-joiner. ZWJ (U+200D) and ZWNJ (U+200C) are allowed: Indic
-- scripts use them to choose a conjunct or half form (क्‍ष). Combining marks
-- (Devanagari virama and matras) are letters' parts and allowed.
-- ----------------------------------------------------------------------------
create function app.is_clean_text(p_text text, p_max_length integer, p_multiline boolean default false)
returns boolean
language sql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
  select p_text is not null
     and length(p_text) <= p_max_length
     and p_text !~ case when p_multiline then '[\u0001-\u0008\u000B\u000C\u000E-\u001F]'
                        else '[\u0001-\u001F]' end
     and p_text !~ '[\u007F-\u009F\u00AD\u061C\u180E\u200B\u200E\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\U000E0001\U000E0020-\U000E007F]'
     and p_text ~ '[^[:space:]\u00A0\u1680\u2000-\u200D\u2028\u2029\u202F\u205F\u3000]'
$$;
comment on function app.is_clean_text(text, integer, boolean) is
  'True for a name or free text of at most the given length without control or invisible format characters (ZWJ and ZWNJ allowed), not blank; tab and line breaks only when multi-line.';

-- ----------------------------------------------------------------------------
-- Amounts, in paise. A price is at most ₹1 crore (10^9 paise); a bill, a bill
-- line, a payment, a collection, a refund and counted cash at most ₹10 crore
-- (10^10 paise); an opening float at most ₹10 lakh (10^8 paise).
-- ----------------------------------------------------------------------------
alter table services
  add constraint services_price_at_most_one_crore check (price_paise <= 1000000000);
alter table products
  add constraint products_price_at_most_one_crore check (price_paise <= 1000000000),
  add constraint products_mrp_at_most_one_crore check (mrp_paise <= 1000000000);
alter table bill_items
  add constraint bill_items_unit_price_at_most_one_crore check (unit_price_paise <= 1000000000),
  add constraint bill_items_total_at_most_ten_crore check (gross_paise <= 10000000000 and total_paise <= 10000000000);
alter table bills
  add constraint bills_total_at_most_ten_crore check (subtotal_paise <= 10000000000 and total_paise <= 10000000000);
alter table payments
  add constraint payments_amount_at_most_ten_crore check (amount_paise <= 10000000000);
alter table payment_refunds
  add constraint payment_refunds_amount_at_most_ten_crore check (amount_paise <= 10000000000);
alter table cash_collections
  add constraint cash_collections_amount_at_most_ten_crore check (amount_collected_paise <= 10000000000);
alter table cash_refunds
  add constraint cash_refunds_amount_at_most_ten_crore check (amount_paise <= 10000000000);
alter table cashier_shifts
  add constraint cashier_shifts_opening_float_at_most_ten_lakh check (opening_float_paise <= 100000000),
  add constraint cashier_shifts_counted_at_most_ten_crore check (counted_paise <= 10000000000);

-- Prices the app writes itself are refused first by a trigger, with a sentence
-- for the clerk. Arguments: column, maximum in paise, in words, what it is.

-- ----------------------------------------------------------------------------
-- Names and free text: no control characters, no invisible format characters
-- (zero-width space, direction overrides, byte order mark; the zero-width
-- joiner and non-joiner are allowed, Indic scripts use them), not blank.
-- ----------------------------------------------------------------------------
alter table facilities
  add constraint facilities_name_is_clean_text check (app.is_clean_text(name, 200)),
  add constraint facilities_legal_name_is_clean_text check (app.is_clean_text(legal_name, 200)),
  add constraint facilities_city_is_clean_text check (app.is_clean_text(city, 100)),
  add constraint facilities_address_line_is_clean_text check (address_line is null or app.is_clean_text(address_line, 500));
alter table users
  add constraint users_display_name_is_clean_text check (app.is_clean_text(display_name, 200));
alter table patients
  add constraint patients_full_name_is_clean_text check (app.is_clean_text(full_name, 200));
alter table health_cards
  add constraint health_cards_holder_name_is_clean_text check (app.is_clean_text(holder_name, 200));
alter table services
  add constraint services_name_is_clean_text check (app.is_clean_text(name, 200));
alter table products
  add constraint products_name_is_clean_text check (app.is_clean_text(name, 200));
alter table bills
  add constraint bills_notes_is_clean_text check (notes is null or app.is_clean_text(notes, 1000, true)),
  add constraint bills_cancel_reason_is_clean_text check (cancel_reason is null or app.is_clean_text(cancel_reason, 500, true));
alter table appointment_notes
  add constraint appointment_notes_body_is_clean_text check (app.is_clean_text(body, 20000, true));
alter table payment_refunds
  add constraint payment_refunds_reason_is_clean_text check (reason is null or app.is_clean_text(reason, 500, true));
alter table cash_refunds
  add constraint cash_refunds_reason_is_clean_text check (reason is null or app.is_clean_text(reason, 500, true));
alter table settlements
  add constraint settlements_cancel_reason_is_clean_text check (cancel_reason is null or app.is_clean_text(cancel_reason, 500, true));

-- ----------------------------------------------------------------------------
-- JSON documents on the health card: at most 16 384 characters each (medical
-- history 65 536), as text.
-- ----------------------------------------------------------------------------
alter table health_cards
  add constraint health_cards_insurance_size check (length(insurance::text) <= 16384);
alter table health_card_clinical
  add constraint health_card_clinical_medical_history_size check (length(medical_history::text) <= 65536),
  add constraint health_card_clinical_allergies_size check (length(allergies::text) <= 16384),
  add constraint health_card_clinical_chronic_conditions_size check (length(chronic_conditions::text) <= 16384);

-- ----------------------------------------------------------------------------
-- The same rule on the names and text the app writes directly, first, by a
-- trigger with a sentence for the clerk (a check constraint names only itself).
-- Arguments: column, maximum length, multi-line, what it is.
-- ----------------------------------------------------------------------------
