@NullMarked
package com.careledger.core.db.embedded;

import org.jspecify.annotations.NullMarked;
