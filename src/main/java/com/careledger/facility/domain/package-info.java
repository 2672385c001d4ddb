@NullMarked
package com.careledger.facility.domain;

import org.jspecify.annotations.NullMarked;
