@NullMarked
package com.careledger.core.ui.chart;

import org.jspecify.annotations.NullMarked;
