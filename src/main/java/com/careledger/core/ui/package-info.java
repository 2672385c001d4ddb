@NullMarked
package com.careledger.core.ui;

import org.jspecify.annotations.NullMarked;
