/**
 * Audit: the sealing job that chains the audit log's committed rows per facility onto hash chains anchored where the
 * schema's owner cannot write, and the check of those chains. See docs/database.md, "Audit log".
 */
@NullMarked
package com.careledger.audit.domain;

import org.jspecify.annotations.NullMarked;
