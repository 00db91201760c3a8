// Textes français de la cloche des notifications et de son panneau.
import type { Catalog } from "../catalog";
import type { notifications as en } from "../en/notifications";

export const notifications: Catalog<typeof en> = {
  title: "Notifications",
  bell: {
    none: "Notifications, aucune non lue",
    unread_one: "Notifications, {{count}} non lue",
    unread_many: "Notifications, {{count}} non lues",
    unread_other: "Notifications, {{count}} non lues",
    live: "Notifications (en direct)",
  },
  panel: {
    live: "en direct",
    polled: "mise à jour toutes les 30 s",
    markAll: "Tout marquer comme lu",
    close: "Fermer les notifications",
    loading: "Chargement des notifications…",
    empty: "Vous n'avez aucune notification.",
    recent: "Notifications récentes",
    unread: "Non lue : ",
    markRead: "Marquer comme lue",
    markOneRead: "Marquer « {{title}} » comme lue",
  },
  level: {
    info: "info",
    success: "succès",
    warning: "avertissement",
    error: "erreur",
  },
  announce: {
    new: "Nouvelle notification : {{title}}",
    allRead: "Toutes les notifications sont marquées comme lues.",
  },
};
