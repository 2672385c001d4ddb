/**
 * The portal's two languages, English and Hindi: the texts of every view (vaadin-i18n/translations*.properties),
 * which language a page is in (the person's choice, kept with their sign-in and in a cookie, else the browser's), and
 * the switcher that changes it.
 */
@NullMarked
package com.careledger.core.i18n;

import org.jspecify.annotations.NullMarked;
