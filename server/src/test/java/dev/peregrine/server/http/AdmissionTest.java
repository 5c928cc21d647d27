package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The byte budget of request bodies in flight, draining, and waiting until idle. */
class AdmissionTest {

    @Test
    void budgetRefusesWhatDoesNotFitAndFreesOnClose() throws Exception {
        Admission a = new Admission(100);
        Admission.Ticket t1 = a.admit(60);
        assertThatThrownBy(() -> a.admit(50)).isInstanceOf(PeregrineException.class)
                .satisfies(e -> assertThat(((PeregrineException) e).code()).isEqualTo(ErrorCode.OVERLOADED))
                .hasMessageContaining("60 bytes").hasMessageContaining("budget 100");
        Admission.Ticket t2 = a.admit(40);
        assertThat(a.reservedBytes()).isEqualTo(100);
        assertThat(a.inFlight()).isEqualTo(2);
        t1.close();
        t1.close(); // idempotent: releases once
        assertThat(a.reservedBytes()).isEqualTo(40);
        assertThat(a.inFlight()).isEqualTo(1);
        t2.close();
        assertThat(a.reservedBytes()).isZero();
    }

    @Test
    void oneRequestLargerThanTheBudgetGetsInWhenNothingElseIsHeld() throws Exception {
        Admission a = new Admission(10);
        Admission.Ticket big = a.admit(50);
        assertThatThrownBy(() -> a.admit(1)).isInstanceOf(PeregrineException.class);
        big.close();
        a.admit(1).close();
    }

    @Test
    void drainingRefusesNewRequestsAndIdleCompletesWhenTheLastIsAnswered() throws Exception {
        Admission a = new Admission(100);
        Admission.Ticket t = a.admit(10);
        a.startDraining();
        assertThatThrownBy(() -> a.admit(1)).hasMessageContaining("shutting down");
        CompletableFuture<Void> idle = a.whenIdle();
        assertThat(idle).isNotDone();
        t.close();
        assertThat(idle).isCompleted();
        assertThat(a.whenIdle()).isCompleted();
    }
}
