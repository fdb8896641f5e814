package io.jsorc.services.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.jsorc.CommonService;
import io.jsorc.Orchestrator;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a real SMTP server (GreenMail, in this JVM). */
class MailServiceTest {


    private GreenMail smtp;
    private final List<Orchestrator> orchestrators = new ArrayList<>();

    @BeforeEach
    void startSmtp() {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
    }

    @AfterEach
    void stop() {
        orchestrators.forEach(Orchestrator::close);
        smtp.stop();
        assertThat(io.jsorc.test.ThreadLeaks.awaitGone(java.util.Set.of(), 5_000)).as("leaked jsorc-* threads")
                .isEmpty();
    }

    private MailService mail(String extraFields) {
        String config = "{\"enabled\": true, \"host\": \"127.0.0.1\", \"port\": " + smtp.getSmtp().getPort()
                + ", \"tls\": false, \"sender\": \"JsOrc <no-reply@jsorc.test>\", \"timeout_ms\": 2000, "
                + "\"user\": \"mailer\", \"pass\": \"s3cret-pw\", "
                + "\"activation_subj\": \"Activate\", \"activation_body\": \"Code {{code}} or {{link}}\", "
                + "\"activation_html_body\": \"<b>{{code}}</b> <a href='{{link}}'>go</a>\", "
                + "\"resetpass_subj\": \"Reset\", \"resetpass_body\": \"Token {{token}}\", "
                + "\"resetpass_html_body\": \"<i>{{token}}</i>\"" + extraFields + "}";
        smtp.setUser("no-reply@jsorc.test", "mailer", "s3cret-pw");
        Orchestrator o = Orchestrator.builder().config("MAIL_CONFIG", config)
                .config("REDIS_CONFIG", "{\"enabled\": false}").build();
        orchestrators.add(o);
        return o.svc("mail", MailService.class);
    }

    @Test
    void activationMailArrivesWithBothParts() throws Exception {
        MailService mail = mail("");
        assertThat(mail.isRunning()).isTrue();
        assertThat(mail.healthy()).isTrue();
        mail.sendActivation("ann@example.test", "C0DE", "https://example.test/activate/C0DE");

        assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage received = smtp.getReceivedMessages()[0];
        assertThat(received.getSubject()).isEqualTo("Activate");
        assertThat(received.getAllRecipients()[0].toString()).isEqualTo("ann@example.test");
        assertThat(received.getContentType()).startsWith("multipart/alternative");
        Multipart parts = (Multipart) received.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(parts.getBodyPart(0).getContent().toString())
                .isEqualTo("Code C0DE or https://example.test/activate/C0DE");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(parts.getBodyPart(1).getContent().toString()).contains("<b>C0DE</b>");
    }

    @Test
    void valuesAreEscapedInHtmlAndALinkMayBeMissing() throws Exception {
        mail("").sendActivation("eve@example.test", "<script>x</script>", null);
        assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        Multipart parts = (Multipart) smtp.getReceivedMessages()[0].getContent();
        assertThat(parts.getBodyPart(0).getContent().toString()).isEqualTo("Code <script>x</script> or ");
        assertThat(parts.getBodyPart(1).getContent().toString()).contains("&lt;script&gt;x&lt;/script&gt;")
                .doesNotContain("<script>");
    }

    @Test
    void resetMailCarriesTheToken() throws Exception {
        mail("").sendReset("bob@example.test", "T0K3N");
        assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        Multipart parts = (Multipart) smtp.getReceivedMessages()[0].getContent();
        assertThat(parts.getBodyPart(0).getContent().toString()).isEqualTo("Token T0K3N");
    }

    @Test
    void aBadTemplateFailsTheServiceNamingIt() {
        MailService mail = mail(", \"activation_body\": \"no placeholder\", \"resetpass_html_body\": \"none\"");
        assertThat(mail.hasFailed()).isTrue();
        assertThat(mail.error()).hasMessageContaining("template activation_body must contain {{code}} or {{link}}")
                .hasMessageContaining("template resetpass_html_body must contain {{token}}");
    }

    @Test
    void smtpDownGivesAClearErrorAndAnUnhealthyService() {
        MailService mail = mail("");
        int port = smtp.getSmtp().getPort();
        smtp.stop();
        assertThat(mail.healthy()).isFalse();
        assertThatThrownBy(() -> mail.send("ann@example.test", "s", "b", null))
                .isInstanceOf(MailServiceException.class)
                .hasMessageContaining("Sending mail to ann@example.test via 127.0.0.1:" + port);
    }

    @Test
    void thePasswordIsMasked() {
        CommonService<?> mail = mail("");
        assertThat(mail.info().config()).containsEntry("pass", "****");
        assertThat(mail.info().toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void anUnknownTlsModeIsRefused() {
        MailService mail = mail(", \"tls\": \"maybe\"");
        assertThat(mail.hasFailed()).isTrue();
        assertThat(mail.error()).hasMessageContaining("tls is maybe").hasMessageContaining("STARTTLS");
    }
}
