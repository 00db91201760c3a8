// Who is signed in: the browser's cookie session and the user it belongs to.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { api, forgetSession, hasSession, unwrap, type Schemas } from "../api/client";
import { setLanguage } from "../i18n";

export type User = Schemas["UserOut"];

interface Session {
  /** A session cookie is held (the user may still be loading). */
  signedIn: boolean;
  user: User | undefined;
  loading: boolean;
  /** Call after the API set the session cookie, with the user it signed in. */
  signIn: (user: User) => void;
  /** End this browser's session (the server revokes it and clears the cookies). */
  signOut: () => Promise<void>;
  /** End every session of this user, in every browser; their API tokens keep working. */
  signOutEverywhere: () => Promise<void>;
}

const ME_KEY = ["me"];
const SessionContext = createContext<Session | null>(null);

/** Provide the session to the app; ends it when the API says the cookie is no longer valid. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [signedIn, setSignedIn] = useState(hasSession);
  const queryClient = useQueryClient();
  const me = useQuery({
    queryKey: ME_KEY,
    queryFn: () => unwrap(api.GET("/api/v1/users/me")),
    enabled: signedIn,
    retry: false,
  });

  const signIn = useCallback(
    (user: User) => {
      queryClient.setQueryData(ME_KEY, user);
      setSignedIn(true);
    },
    [queryClient],
  );
  const ended = useCallback(() => {
    forgetSession();
    setSignedIn(false);
    queryClient.clear();
  }, [queryClient]);
  const endWith = useCallback(
    async (path: "/api/v1/auth/sign-out" | "/api/v1/auth/sign-out-everywhere") => {
      try {
        await api.POST(path);
      } finally {
        // Even if the server could not be told, this browser stops using the session.
        ended();
      }
    },
    [ended],
  );
  const signOut = useCallback(() => endWith("/api/v1/auth/sign-out"), [endWith]);
  const signOutEverywhere = useCallback(() => endWith("/api/v1/auth/sign-out-everywhere"), [endWith]);

  // The user's saved language follows them to every browser; none saved keeps this browser's.
  const locale = signedIn ? me.data?.locale : undefined;
  useEffect(() => {
    if (locale) setLanguage(locale);
  }, [locale]);

  useEffect(() => {
    window.addEventListener("crmflow:signed-out", ended);
    return () => window.removeEventListener("crmflow:signed-out", ended);
  }, [ended]);

  const value: Session = {
    signedIn,
    user: signedIn ? me.data : undefined,
    loading: signedIn && me.isPending,
    signIn,
    signOut,
    signOutEverywhere,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** Read the session (inside SessionProvider). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
