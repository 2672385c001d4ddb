@NullMarked
package com.careledger.core;

import org.jspecify.annotations.NullMarked;
