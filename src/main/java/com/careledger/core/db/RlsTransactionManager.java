package com.careledger.core.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

import javax.sql.DataSource;

import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;

/**
 * Opens every transaction with the request context, before its first statement:
 * {@code app.set_current_user} and {@code app.set_current_tenant}, with the values as bind parameters.
 * Those SECURITY DEFINER functions check the user and the tenant and set {@code app.user_id} and
 * {@code app.current_tenant} transaction-locally, signed, so the settings vanish at commit or rollback
 * and a pooled connection never carries one request's context into the next. A transaction for nobody
 * sets them empty, which matches no tenant row.
 */
public class RlsTransactionManager extends JdbcTransactionManager {

    /** The user first: the tenant is checked against it (PostgreSQL evaluates a select list in order). */
    static final String SET_CONTEXT = "select app.set_current_user(?), app.set_current_tenant(?)";

    public RlsTransactionManager(DataSource dataSource) {
        super(dataSource);
        setEnforceReadOnly(true);
    }

    /**
     * The context first, then (for a read-only transaction) {@code SET TRANSACTION READ ONLY}: setting the
     * context also keeps what it verified for the rest of the transaction (V0094), a write that a read-only
     * transaction would refuse. The driver must not begin the transaction read-only on its own
     * ({@code readOnlyMode=ignore}, application.properties); if it does, the transaction still works and
     * verifies the signed context on every call instead.
     */
    @Override
    protected void prepareTransactionalConnection(Connection con, TransactionDefinition definition) throws SQLException {
        DbContext context = DbContext.current();
        try (PreparedStatement ps = con.prepareStatement(SET_CONTEXT)) {
            ps.setObject(1, context.userId(), Types.OTHER);
            ps.setObject(2, context.tenantId(), Types.OTHER);
            ps.execute();
        }
        super.prepareTransactionalConnection(con, definition);
    }
}
