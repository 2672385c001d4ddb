/**
 * The portal's two languages on screen: the texts of every view (vaadin-i18n/translations*.properties, Vaadin's
 * I18NProvider), which language a page is in, and the switcher that changes it. The languages themselves and the
 * person's kept choice are {@code core.i18n}'s.
 */
@NullMarked
package com.careledger.core.ui.i18n;

import org.jspecify.annotations.NullMarked;
