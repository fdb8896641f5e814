package io.jsorc.services.mail;

import io.jsorc.CommonService;
import io.jsorc.Service;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code mail} service: SMTP through Angus Mail ({@code jakarta.mail}).
 *
 * <p>Config ({@code MAIL_CONFIG}, disabled by default): {@code host}, {@code port} (587), {@code tls}: {@code true}
 * (STARTTLS, required), {@code "ssl"} (implicit TLS, SMTPS) or {@code false} (plain); {@code sender}, {@code user},
 * {@code pass}, {@code timeout_ms}; templates {@code activation_subj}, {@code activation_body},
 * {@code activation_html_body} (must contain {@code {{code}}} or {@code {{link}}}), {@code resetpass_subj},
 * {@code resetpass_body}, {@code resetpass_html_body} (must contain {@code {{token}}}). {@code run()} validates the
 * templates and connects once; the password is never logged (it is masked in every config dump).
 */
@Service(name = "mail")
public class MailService extends CommonService<Session> {

    /** The bound config. */
    record Settings(String host, Integer port, Object tls, String sender, String user, String pass,
                    Integer timeout_ms, String activation_subj, String activation_body, String activation_html_body,
                    String resetpass_subj, String resetpass_body, String resetpass_html_body) {
    }

    private volatile Settings settings;

    /** Built by the orchestrator. */
    public MailService() {
    }

    @Override
    protected Session run() throws MessagingException {
        Settings s = config(Settings.class);
        List<String> problems = new ArrayList<>();
        requireAny(problems, "activation_body", s.activation_body(), "{{code}}", "{{link}}");
        requireAny(problems, "activation_html_body", s.activation_html_body(), "{{code}}", "{{link}}");
        requireAny(problems, "resetpass_body", s.resetpass_body(), "{{token}}");
        requireAny(problems, "resetpass_html_body", s.resetpass_html_body(), "{{token}}");
        if (s.host() == null || s.host().isBlank()) {
            problems.add("host is required");
        }
        if (s.sender() == null || s.sender().isBlank()) {
            problems.add("sender is required");
        } else {
            try {
                new InternetAddress(s.sender(), true);
            } catch (jakarta.mail.internet.AddressException e) {
                problems.add("sender '" + s.sender() + "' is not a mail address: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("MAIL_CONFIG of service '" + name() + "' is invalid: "
                    + String.join("; ", problems));
        }
        settings = s;
        Session session = session(s);
        try (Transport transport = session.getTransport()) {
            connect(transport, s);
        }
        return session;
    }

    private static void requireAny(List<String> problems, String template, String text, String... markers) {
        if (text == null) {
            problems.add("template " + template + " is missing");
            return;
        }
        for (String marker : markers) {
            if (text.contains(marker)) {
                return;
            }
        }
        problems.add("template " + template + " must contain " + String.join(" or ", markers));
    }

    private static Session session(Settings s) throws MessagingException {
        String mode = s.tls() == null ? "true" : String.valueOf(s.tls()).toLowerCase(java.util.Locale.ROOT);
        if (!List.of("true", "false", "ssl").contains(mode)) {
            throw new IllegalArgumentException("MAIL_CONFIG.tls is " + s.tls() + "; allowed: true (STARTTLS), "
                    + "\"ssl\" (implicit TLS) or false");
        }
        String protocol = mode.equals("ssl") ? "smtps" : "smtp";
        int timeout = s.timeout_ms() == null ? 10_000 : s.timeout_ms();
        Properties props = new Properties();
        props.put("mail.transport.protocol", protocol);
        props.put("mail." + protocol + ".host", s.host());
        props.put("mail." + protocol + ".port", String.valueOf(s.port() == null ? 587 : s.port()));
        props.put("mail." + protocol + ".connectiontimeout", String.valueOf(timeout));
        props.put("mail." + protocol + ".timeout", String.valueOf(timeout));
        props.put("mail." + protocol + ".writetimeout", String.valueOf(timeout));
        // The envelope sender (MAIL FROM) is the bare address; the display name stays in the From header.
        props.put("mail." + protocol + ".from", new InternetAddress(s.sender(), true).getAddress());
        boolean auth = s.user() != null && !s.user().isBlank();
        props.put("mail." + protocol + ".auth", String.valueOf(auth));
        if (mode.equals("true")) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        if (mode.equals("ssl")) {
            props.put("mail.smtps.ssl.checkserveridentity", "true");
        }
        Authenticator authenticator = !auth ? null : new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(s.user(), s.pass());
            }
        };
        return Session.getInstance(props, authenticator);
    }

    private static void connect(Transport transport, Settings s) throws MessagingException {
        if (s.user() != null && !s.user().isBlank()) {
            transport.connect(s.user(), s.pass());
        } else {
            transport.connect();
        }
    }

    /** Connects to the SMTP server and says hello: false when it cannot be reached. */
    @Override
    public boolean healthy() {
        Session session = app();
        Settings s = settings;
        if (!isRunning() || session == null || s == null) {
            return false;
        }
        try (Transport transport = session.getTransport()) {
            connect(transport, s);
            return transport.isConnected();
        } catch (MessagingException e) {
            return false;
        }
    }

    /**
     * Sends a mail; with an HTML body it is {@code multipart/alternative} (plain first, HTML preferred).
     *
     * @param to        recipient
     * @param subject   subject
     * @param plainBody plain-text body
     * @param htmlBody  HTML body, or {@code null} for plain text only
     * @throws MailServiceException naming the server when sending fails
     */
    public void send(String to, String subject, String plainBody, String htmlBody) {
        Session session = poke();
        Settings s = settings;
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(s.sender()));
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
            message.setSubject(subject, StandardCharsets.UTF_8.name());
            message.setSentDate(new Date());
            if (htmlBody == null) {
                message.setText(plainBody, StandardCharsets.UTF_8.name());
            } else {
                MimeBodyPart plain = new MimeBodyPart();
                plain.setText(plainBody, StandardCharsets.UTF_8.name());
                MimeBodyPart html = new MimeBodyPart();
                html.setContent(htmlBody, "text/html; charset=UTF-8");
                MimeMultipart alternative = new MimeMultipart("alternative");
                alternative.addBodyPart(plain);
                alternative.addBodyPart(html);
                message.setContent(alternative);
            }
            message.saveChanges();
            Transport.send(message);
        } catch (MessagingException e) {
            throw new MailServiceException("Sending mail to " + to + " via " + s.host() + ":"
                    + (s.port() == null ? 587 : s.port()) + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Sends the activation mail from the templates ({@code {{code}}}, {@code {{link}}} replaced).
     *
     * @param email recipient
     * @param code  activation code
     * @param link  activation link
     */
    public void sendActivation(String email, String code, String link) {
        Settings s = settings();
        Map<String, String> values = new java.util.HashMap<>();
        values.put("{{code}}", code);
        values.put("{{link}}", link);
        send(email, fill(s.activation_subj(), values, false), fill(s.activation_body(), values, false),
                fill(s.activation_html_body(), values, true));
    }

    /**
     * Sends the password-reset mail from the templates ({@code {{token}}} replaced).
     *
     * @param email recipient
     * @param token reset token
     */
    public void sendReset(String email, String token) {
        Settings s = settings();
        Map<String, String> values = new java.util.HashMap<>();
        values.put("{{token}}", token);
        send(email, fill(s.resetpass_subj(), values, false), fill(s.resetpass_body(), values, false),
                fill(s.resetpass_html_body(), values, true));
    }

    private Settings settings() {
        poke();
        return settings;
    }

    /** Replaces placeholders; in HTML templates the values are escaped, so a value cannot inject markup. */
    private static String fill(String template, Map<String, String> values, boolean html) {
        if (template == null) {
            return null;
        }
        String out = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            String text = value.getValue() == null ? "" : value.getValue();
            out = out.replace(value.getKey(), html ? escapeHtml(text) : text);
        }
        return out;
    }

    private static String escapeHtml(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
