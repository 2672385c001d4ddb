/**
 * The portal's two languages, English and Hindi ({@link com.careledger.core.i18n.Language}), and the language a
 * signed-in person chose, kept with their sign-in by the database. What is shown in them is {@code core.ui.i18n}'s.
 */
@NullMarked
package com.careledger.core.i18n;

import org.jspecify.annotations.NullMarked;
