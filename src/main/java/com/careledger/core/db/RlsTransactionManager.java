package com.careledger.core.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;

/**
 * Opens every transaction with the request context set transaction-locally, before its first
 * statement: {@code set_config(name, value, true)} with the values as bind parameters. The settings
 * vanish at commit or rollback, so a pooled connection never carries one request's context into the
 * next, and a transaction for nobody sets them empty (which matches no tenant row).
 */
public class RlsTransactionManager extends JdbcTransactionManager {

    static final String SET_CONTEXT =
            "select set_config('app.user_id', ?, true), set_config('app.current_tenant', ?, true)";

    public RlsTransactionManager(DataSource dataSource) {
        super(dataSource);
        setEnforceReadOnly(true);
    }

    @Override
    protected void prepareTransactionalConnection(Connection con, TransactionDefinition definition) throws SQLException {
        super.prepareTransactionalConnection(con, definition);
        DbContext context = DbContext.current();
        try (PreparedStatement ps = con.prepareStatement(SET_CONTEXT)) {
            ps.setString(1, context.userIdSetting());
            ps.setString(2, context.tenantSetting());
            ps.execute();
        }
    }
}
