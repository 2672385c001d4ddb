@NullMarked
package com.careledger.patient.ui;

import org.jspecify.annotations.NullMarked;
