@NullMarked
package com.careledger.facility.ui;

import org.jspecify.annotations.NullMarked;
