@NullMarked
package com.careledger.core.security;

import org.jspecify.annotations.NullMarked;
