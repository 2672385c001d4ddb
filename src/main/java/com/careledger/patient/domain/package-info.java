@NullMarked
package com.careledger.patient.domain;

import org.jspecify.annotations.NullMarked;
