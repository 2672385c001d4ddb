/**
 * The one place where numbers, amounts and dates become text: Indian grouping (1,23,45,678), amounts in words and in
 * lakh/crore compact form (ICU4J), dates and times in IST. English (India) and Hindi; digits stay 0-9 in both.
 * Nothing else in the portal formats a number for people to read (OneFormatterTest holds it).
 */
@NullMarked
package com.careledger.core.format;

import org.jspecify.annotations.NullMarked;
