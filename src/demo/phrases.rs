//! Multilingual text for demo data: names, subjects, customer messages, agent replies and
//! notes in English, Italian and Spanish, shaped like real contact-center traffic.

/// A language of the demo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Italian.
    It,
    /// Spanish.
    Es,
}

/// First names per language.
pub fn first_names(l: Lang) -> &'static [&'static str] {
    match l {
        Lang::En => {
            &["Olivia", "James", "Emma", "Liam", "Sophia", "Noah", "Grace", "Henry", "Chloe", "Jack", "Ruby", "Oscar"]
        }
        Lang::It => &[
            "Giulia",
            "Marco",
            "Francesca",
            "Luca",
            "Chiara",
            "Matteo",
            "Sara",
            "Alessandro",
            "Elena",
            "Davide",
            "Martina",
            "Paolo",
        ],
        Lang::Es => &[
            "Lucía", "Mateo", "María", "Pablo", "Carmen", "Javier", "Sofía", "Diego", "Elena", "Álvaro", "Paula",
            "Andrés",
        ],
    }
}

/// Last names per language.
pub fn last_names(l: Lang) -> &'static [&'static str] {
    match l {
        Lang::En => &["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Clarke", "Walker", "Hughes"],
        Lang::It => {
            &["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco"]
        }
        Lang::Es => {
            &["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz"]
        }
    }
}

/// One support topic: subject, the customer's opening, a follow-up, the agent's answer.
pub struct Topic {
    /// Subject line.
    pub subject: &'static str,
    /// The customer's first message.
    pub opening: &'static str,
    /// A later customer message.
    pub follow_up: &'static str,
    /// The agent's reply.
    pub answer: &'static str,
    /// An internal note.
    pub note: &'static str,
}

/// Topics per language.
pub fn topics(l: Lang) -> &'static [Topic] {
    match l {
        Lang::En => &[
            Topic {
                subject: "Where is my order?",
                opening: "Hi, my order #58213 was supposed to arrive on Monday and the tracking hasn't moved since Friday.",
                follow_up: "Any news? I need it before the weekend.",
                answer: "Thanks for waiting! The courier had a delay at the hub; your parcel is out for delivery today.",
                note: "Courier confirmed the delay at the Leeds hub.",
            },
            Topic {
                subject: "Refund request",
                opening: "I returned the blue jacket two weeks ago and I still don't see the refund on my card.",
                follow_up: "It's been 14 days now, can you check?",
                answer: "I can see the return arrived on the 3rd. The refund was issued today; banks take 3–5 working days.",
                note: "Refund issued manually, warehouse scan was missing.",
            },
            Topic {
                subject: "Can't log in",
                opening: "The password reset email never arrives. I checked spam too.",
                follow_up: "Still nothing, tried three times.",
                answer: "I've reset it from our side and sent a new link to the address on file. It expires in 1 hour.",
                note: "Email bounced earlier: mailbox was full.",
            },
            Topic {
                subject: "Invoice with VAT number",
                opening: "Could you re-issue invoice INV-2291 with our company VAT number GB123456789?",
                follow_up: "We need it for our accounts by Friday.",
                answer: "Done: the corrected invoice is attached to your account under Billing > Invoices.",
                note: "VAT number validated with VIES.",
            },
            Topic {
                subject: "Upgrade to the Pro plan",
                opening: "We're 12 people now. What does the Pro plan cost per seat, and can we keep our history?",
                follow_up: "Also, is there a discount for yearly billing?",
                answer: "Pro is £9 per seat per month, or £90 yearly; all your history stays. I can switch you today.",
                note: "Warm lead, send to sales if no reply.",
            },
        ],
        Lang::It => &[
            Topic {
                subject: "Dov'è il mio ordine?",
                opening: "Buongiorno, il mio ordine #77102 doveva arrivare martedì ma il tracciamento è fermo da giorni.",
                follow_up: "Ci sono novità? Mi serve entro sabato.",
                answer: "Grazie per la pazienza! Il corriere ha avuto un ritardo al centro di smistamento; il pacco è in consegna oggi.",
                note: "Il corriere conferma il ritardo a Bologna.",
            },
            Topic {
                subject: "Richiesta di rimborso",
                opening: "Ho restituito le scarpe dieci giorni fa ma non vedo ancora il rimborso sulla carta.",
                follow_up: "Potete verificare? Sono passati più di dieci giorni.",
                answer: "Il reso è arrivato il 5; il rimborso è stato emesso oggi, la banca impiega 3–5 giorni lavorativi.",
                note: "Rimborso emesso a mano, mancava la scansione del magazzino.",
            },
            Topic {
                subject: "Fattura con partita IVA",
                opening: "Potete riemettere la fattura FT-1042 con la nostra partita IVA IT01234567890?",
                follow_up: "Ci serve per la contabilità entro fine mese.",
                answer: "Fatto: la fattura corretta è nel vostro account, in Fatturazione > Fatture.",
                note: "Partita IVA verificata.",
            },
            Topic {
                subject: "Non riesco ad accedere",
                opening: "L'email per reimpostare la password non arriva, ho controllato anche lo spam.",
                follow_up: "Ancora niente, ho provato tre volte.",
                answer: "L'ho reimpostata dal nostro lato e ho inviato un nuovo link all'indirizzo registrato. Scade tra un'ora.",
                note: "La casella era piena, l'email tornava indietro.",
            },
            Topic {
                subject: "Informazioni sul piano Pro",
                opening: "Siamo in 8. Quanto costa il piano Pro per utente e manteniamo lo storico?",
                follow_up: "C'è uno sconto per il pagamento annuale?",
                answer: "Il Pro costa 10 € per utente al mese, o 100 € all'anno; lo storico resta. Posso attivarlo oggi.",
                note: "Possibile cliente, passare alle vendite.",
            },
        ],
        Lang::Es => &[
            Topic {
                subject: "¿Dónde está mi pedido?",
                opening: "Hola, mi pedido #41930 tenía que llegar el lunes y el seguimiento no se mueve desde el viernes.",
                follow_up: "¿Alguna novedad? Lo necesito antes del fin de semana.",
                answer: "¡Gracias por esperar! La mensajería tuvo un retraso en el centro logístico; tu paquete sale hoy en reparto.",
                note: "La mensajería confirma el retraso en Zaragoza.",
            },
            Topic {
                subject: "Solicitud de reembolso",
                opening: "Devolví la chaqueta hace dos semanas y todavía no veo el reembolso en mi tarjeta.",
                follow_up: "Ya son 14 días, ¿podéis revisarlo?",
                answer: "La devolución llegó el día 3; el reembolso se emitió hoy y el banco tarda de 3 a 5 días hábiles.",
                note: "Reembolso emitido a mano, faltaba el escaneo del almacén.",
            },
            Topic {
                subject: "Información sobre la factura",
                opening: "¿Podéis volver a emitir la factura F-3310 con nuestro CIF B12345678?",
                follow_up: "La necesitamos para contabilidad este mes.",
                answer: "Hecho: la factura corregida está en tu cuenta, en Facturación > Facturas.",
                note: "CIF comprobado.",
            },
            Topic {
                subject: "No puedo iniciar sesión",
                opening: "No me llega el correo para restablecer la contraseña, ya miré en spam.",
                follow_up: "Sigue sin llegar, lo intenté tres veces.",
                answer: "La he restablecido desde nuestro lado y te envié un enlace nuevo al correo registrado. Caduca en una hora.",
                note: "El buzón estaba lleno y el correo rebotaba.",
            },
            Topic {
                subject: "Cambio al plan Pro",
                opening: "Somos 15. ¿Cuánto cuesta el plan Pro por usuario y conservamos el historial?",
                follow_up: "¿Hay descuento por pago anual?",
                answer: "El Pro cuesta 10 € por usuario al mes, o 100 € al año; el historial se conserva. Puedo cambiarlo hoy.",
                note: "Cliente potencial, avisar a ventas.",
            },
        ],
    }
}

/// A short greeting a customer might send, per language.
pub fn thanks(l: Lang) -> &'static str {
    match l {
        Lang::En => "Great, thank you so much!",
        Lang::It => "Perfetto, grazie mille!",
        Lang::Es => "¡Genial, muchas gracias!",
    }
}
