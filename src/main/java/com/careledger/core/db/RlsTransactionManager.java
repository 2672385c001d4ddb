package com.careledger.core.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;

import javax.sql.DataSource;

import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionDefinition;

/**
 * Opens every transaction with the request context, before its first statement:
 * {@code app.set_current_user} (the user and the proof: the session token, or a system principal's secret) and
 * {@code app.set_current_tenant}, with the values as bind parameters. When the database no longer accepts the proof
 * (the session was revoked or expired, the user or the facility suspended) the transaction does not begin: a
 * {@link SignInEndedException}, on which the portal ends the sign-in.
 * Those SECURITY DEFINER functions check the user and the tenant and set {@code app.user_id} and
 * {@code app.current_tenant} transaction-locally, signed, so the settings vanish at commit or rollback
 * and a pooled connection never carries one request's context into the next. A transaction for nobody
 * sets them empty, which matches no tenant row.
 *
 * <p>A signed-in patient's transaction then runs as the database role {@value #PATIENT_ROLE}
 * ({@code SET LOCAL ROLE}): the policies that let a patient read their own bills, payments and
 * appointments apply to that role only, so the staff's plans do not carry them. The statement that sets the
 * context also answers the verified role, so a staff transaction costs no extra round trip; the role
 * reverts to the login role at commit or rollback like the settings.
 */
public class RlsTransactionManager extends JdbcTransactionManager {

    /** The user first: the tenant is checked against it (PostgreSQL evaluates a select list in order). */
    static final String SET_CONTEXT =
            "select app.set_current_user(?, ?), app.set_current_tenant(?), app.current_user_role()::text";

    /** What {@code app.set_current_user} answers when the proof does not hold (invalid_authorization_specification). */
    static final String SIGN_IN_ENDED = "28000";

    /** The database role of a patient's requests; the app's login role may SET it but does not inherit it. */
    public static final String PATIENT_ROLE = "careledger_patient";

    static final String BECOME_PATIENT = "set local role " + PATIENT_ROLE;

    public RlsTransactionManager(DataSource dataSource) {
        super(dataSource);
        setEnforceReadOnly(true);
    }

    /** A sign-in the database ended reaches the caller as itself, not wrapped as a connection failure. */
    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
        try {
            super.doBegin(transaction, definition);
        } catch (CannotCreateTransactionException e) {
            if (e.getCause() instanceof SignInEndedException ended) {
                throw ended;
            }
            throw e;
        }
    }

    /**
     * The context first, then (for a read-only transaction) {@code SET TRANSACTION READ ONLY}: setting the
     * context also keeps what it verified for the rest of the transaction (a row of {@code app.request_contexts},
     * written by {@code app.remember_request_context}), a write that a read-only transaction would refuse. The driver
     * must not begin the transaction read-only on its own ({@code readOnlyMode=ignore}, application.properties); if it
     * does, the transaction still works and verifies the signed context on every call instead. For a patient, the role
     * follows the context and comes before {@code SET TRANSACTION READ ONLY} too.
     */
    @Override
    protected void prepareTransactionalConnection(Connection con, TransactionDefinition definition) throws SQLException {
        DbContext context = DbContext.current();
        try (PreparedStatement ps = con.prepareStatement(SET_CONTEXT)) {
            ps.setObject(1, context.userId(), Types.OTHER);
            ps.setString(2, context.proof());
            ps.setObject(3, context.tenantId(), Types.OTHER);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && "patient".equals(rs.getString(3))) {
                    try (Statement st = con.createStatement()) {
                        st.execute(BECOME_PATIENT);
                    }
                }
            }
        } catch (SQLException e) {
            if (SIGN_IN_ENDED.equals(e.getSQLState())) {
                throw new SignInEndedException(e);
            }
            throw e;
        }
        super.prepareTransactionalConnection(con, definition);
    }
}
