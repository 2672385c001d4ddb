@NullMarked
package com.careledger.core.db;

import org.jspecify.annotations.NullMarked;
