@NullMarked
package com.careledger.staff.ui;

import org.jspecify.annotations.NullMarked;
